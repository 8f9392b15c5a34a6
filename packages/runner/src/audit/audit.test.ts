import { loadCatalog } from '../tables/catalog';
import { demoCsv, demoSpec, writeBenchmarks } from '../__fixtures__/write-table';
import { auditTables } from './audit';
import { evaluateExpression } from './expression';

const audit = (spec: object, csv: string, more: { id: string; spec: object; csv?: string }[] = []) =>
  auditTables(loadCatalog(writeBenchmarks([{ id: 'demo/table1', spec, csv }, ...more])));

describe('audit rules', () => {
  test('a consistent table has no findings; rounding never produces one', () => {
    // y: mean(3.00, 1.01) = 2.005 printed as 2.01 (rounded half up) is consistent
    expect(audit(demoSpec, demoCsv)).toEqual([]);
  });

  test('row-mean finds a stated mean no unrounded cells can give', () => {
    const f = audit(demoSpec, demoCsv.replace(',1.50', ',1.53'));
    expect(f).toEqual([expect.objectContaining({ rule: 'row-mean', row: 'x', column: 'mean_fpr95_pct', stated: '1.53', computed: '1.5' })]);
  });

  test('row-mean tolerates exactly the rounding of the printed cells', () => {
    // cells in [0.995,1.005] and [1.995,2.005] give means in [1.495,1.505]: 1.505 rounds to 1.51 -> consistent
    expect(audit(demoSpec, demoCsv.replace(',1.50', ',1.51'))).toEqual([]);
    expect(audit(demoSpec, demoCsv.replace(',1.50', ',1.52'))).toHaveLength(1);
  });

  test('row-sum finds a multi-block count that is not the sum of its blocks', () => {
    const f = audit(demoSpec, demoCsv.replace('xy,X+Y,300', 'xy,X+Y,350'));
    expect(f).toEqual([expect.objectContaining({ rule: 'row-sum', row: 'xy', stated: '350', computed: '300' })]);
    expect(f[0]?.message).toBe('stated 350, but x + y = 100 + 200 = 300');
  });

  test('conv-params accepts per-layer or cumulative counts and explains anything else', () => {
    const spec = {
      ...demoSpec,
      columns: [{ id: 'params_count', label: 'Params', unit: 'count', role: 'param_count' }],
      rows: [{ id: 'l1', label: '1' }, { id: 'l2', label: '2' }, { id: 'l3', label: '3' }, { id: 'l4', label: '4' }],
      checks: [{ rule: 'conv-params', column: 'params_count', layers: {
        l1: { kernel: [3, 3], in: 1, out: 32 }, l2: { kernel: [3, 3], in: 32, out: 32 },
        l3: { kernel: [3, 3], in: 32, out: 64 }, l4: { kernel: [8, 8], in: 64, out: 64 } } }],
    };
    const ok = 'row,label,params_count\nl1,1,288\nl2,2,9504\nl3,3,18432\nl4,4,262144\n';
    expect(audit(spec, ok)).toEqual([]);
    const bad = 'row,label,params_count\nl1,1,288\nl2,2,9216\nl3,3,18732\nl4,4,27936\n';
    const f = audit(spec, bad);
    expect(f.map((x) => [x.row, x.stated, x.computed])).toEqual([['l3', '18732', '18432'], ['l4', '27936', '262144']]);
    expect(f[1]?.message).toContain('equals the total of the layers above it (27,936)');
  });

  test('soa-params compares with the released SOA block (4,272 at 64 channels, 33,344 at 128)', () => {
    const spec = {
      ...demoSpec,
      columns: [{ id: 'params_count', label: 'Params', unit: 'count', role: 'param_count' }],
      rows: [{ id: 's3', label: 'SOA3' }, { id: 's35', label: 'SOA35' }],
      checks: [{ rule: 'soa-params', column: 'params_count', blocks: { s3: [3], s35: [3, 5] } }],
    };
    expect(audit(spec, 'row,label,params_count\ns3,SOA3,4272\ns35,SOA35,37616\n')).toEqual([]);
    const f = audit(spec, 'row,label,params_count\ns3,SOA3,12288\ns35,SOA35,37616\n');
    expect(f).toEqual([expect.objectContaining({ row: 's3', stated: '12288', computed: '4272' })]);
  });

  test('claim: a number the text states about the table, rounding-aware, with comparators', () => {
    const claim = (stated: number | string, expression: string, comparator?: string) =>
      audit({ ...demoSpec, checks: [{ rule: 'claim', text: 't', stated, expression, ...(comparator ? { comparator } : {}) }] }, demoCsv);
    expect(claim(1, "cell('x','b_fpr95_pct') - cell('x','a_fpr95_pct')")).toEqual([]);
    expect(claim('1.10', "cell('x','b_fpr95_pct') - cell('x','a_fpr95_pct')")).toHaveLength(1);
    expect(claim(1.5, "min(cell('x','b_fpr95_pct'), cell('y','a_fpr95_pct'))", '>=')).toEqual([]);
    expect(claim(2.5, "min(cell('x','b_fpr95_pct'), cell('y','a_fpr95_pct'))", '>=')).toHaveLength(1);
  });

  test('row-difference and equal-cells across tables', () => {
    const spec = {
      ...demoSpec,
      rows: [...demoSpec.rows, { id: 'gain', label: 'gain', role: 'derived' }],
      checks: [
        { rule: 'row-difference', target: 'gain', minuend: 'y', subtrahend: 'x', columns: ['a_fpr95_pct', 'b_fpr95_pct'] },
        { rule: 'equal-cells', a: { table: 'demo/table1', row: 'x' }, b: { table: 'demo/table2', row: 'x' }, columns: [['a_fpr95_pct', 'a_fpr95_pct']] },
      ],
    };
    const csv = `${demoCsv}gain,gain,,2.00,,-1.02,,\n`;
    const other = { id: 'demo/table2', spec: { ...demoSpec, checks: [] }, csv: demoCsv.replace('x,X,100,1.00', 'x,X,100,1.10') };
    const f = audit(spec, csv, [other]);
    expect(f.map((x) => [x.rule, x.column, x.stated, x.computed])).toEqual([
      ['row-difference', 'b_fpr95_pct', '-1.02', '-0.99'],
      ['equal-cells', 'a_fpr95_pct', '1.00', '1.10'],
    ]);
  });

  test('range flags impossible percentages', () => {
    const spec = { ...demoSpec, checks: [{ rule: 'range', columns: ['a_fpr95_pct'], min: 0, max: 100 }] };
    expect(audit(spec, demoCsv.replace('3.00', '300.00'))).toEqual([expect.objectContaining({ rule: 'range', row: 'y' })]);
  });
});

describe('claim expressions', () => {
  const cells: Record<string, number> = { a: 2, b: 5 };
  const lookup = (r: string) => ({ lo: cells[r] as number, hi: cells[r] as number });
  test.each([
    ["cell('a','c') + cell('b','c') * 2", 12],
    ["(cell('a','c') + cell('b','c')) / 7", 1],
    ["max(cell('a','c'), 3, -1) - min(4, cell('b','c'))", -1],
    ['-2 + 3', 1],
  ])('%s = %d', (src, value) => {
    expect(evaluateExpression(src, lookup)).toEqual({ lo: value, hi: value });
  });
  test.each(["cell('a')", '2 +', 'foo(1)', "cell('a','c') 3"])('refuses %s', (src) => {
    expect(() => evaluateExpression(src, lookup)).toThrow(/expression/);
  });
});
