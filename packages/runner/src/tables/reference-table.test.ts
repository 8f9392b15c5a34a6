import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from './catalog';
import { showTable } from './show';
import { demoCsv, demoSpec, writeBenchmarks } from '../__fixtures__/write-table';

describe('reference tables: loading and the CSV round trip', () => {
  test('show --format csv reproduces reference.csv byte for byte (numbers as printed, empty cells empty)', () => {
    const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv }]);
    const csv = showTable(loadCatalog(root), 'demo/table1', 'csv');
    expect(csv).toBe(demoCsv);
    // and that output loads again to the same cells
    writeFileSync(join(root, 'demo/table1/reference.csv'), csv);
    const again = loadCatalog(root).get('demo/table1');
    expect(again.rows.get('x')?.cells.get('a_fpr95_pct')).toEqual({ text: '1.00', value: 1, decimals: 2 });
    expect(again.rows.get('y')?.stds.has('a_fpr95_pct')).toBe(false);
    expect(again.rows.get('xy')?.cells.has('b_fpr95_pct')).toBe(false);
  });

  test('markdown shows value ± std as the paper prints it', () => {
    const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv }]);
    const md = showTable(loadCatalog(root), 'demo/table1', 'md');
    expect(md).toContain('1.00 ± 0.10');
    expect(md).toMatch(/\| X\+Y +\| +300 \| +0\.80 ± 0\.02 \|/);
  });

  test.each([
    ['a non-numeric cell', demoCsv.replace('3.00', '3.0x'), /reference\.csv:3, row "y", column "a_fpr95_pct": expected a number/],
    ['an unknown row', demoCsv.replace('xy,X+Y', 'zz,X+Y'), /reference\.csv:4, row "zz": unknown row/],
    ['an unknown column', demoCsv.replace('mean_fpr95_pct', 'median_fpr95_pct'), /reference\.csv:1, column "median_fpr95_pct": unknown column/],
    ['a label that differs from table.json', demoCsv.replace('x,X,', 'x,Ex,'), /reference\.csv:2, row "x", column "label"/],
  ])('refuses %s, naming file, row and column', (_what, csv, message) => {
    const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv }]);
    expect(() => loadCatalog(root)).toThrow(message);
  });

  test('refuses a table.json whose check names an unknown row, naming the check', () => {
    const spec = { ...demoSpec, checks: [{ rule: 'row-sum', column: 'params_count', target: 'xy', of: ['x', 'nope'] }] };
    const root = writeBenchmarks([{ id: 'demo/table1', spec, csv: demoCsv }]);
    expect(() => loadCatalog(root)).toThrow(/table\.json, checks\[0\] \(row-sum\): unknown row "nope"/);
  });

  test('refuses a table.json with a wrong field, naming the field path', () => {
    const spec = { ...demoSpec, replay: { here: 'maybe', why: 'x' } };
    const root = writeBenchmarks([{ id: 'demo/table1', spec, csv: demoCsv }]);
    expect(() => loadCatalog(root)).toThrow(/table\.json, field replay\.here/);
  });

  test('an unknown table id suggests near misses', () => {
    const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv }]);
    expect(() => loadCatalog(root).get('demo/tabel1')).toThrow(/unknown table "demo\/tabel1"; did you mean "demo\/table1"/);
  });
});
