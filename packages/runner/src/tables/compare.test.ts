import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from './catalog';
import { compareResults } from './compare';
import { demoCsv, demoSpec, writeBenchmarks } from '../__fixtures__/write-table';

function setup(results: string) {
  const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv }]);
  const file = join(root, 'results.csv');
  writeFileSync(file, results);
  return { catalog: loadCatalog(root), file };
}

describe('compare', () => {
  test('the reference itself: every cell within or inconclusive, exit 0', () => {
    const { catalog, file } = setup(demoCsv);
    const r = compareResults(catalog, 'demo/table1', file);
    expect(r.exit_code).toBe(0);
    // x.a is 1.00 ± 0.10 on both sides: 2 x sqrt(0.1² + 0.1²) = 0.28 > 0.25 x 1.00, too wide to decide
    expect(r.summary).toEqual({ within: 9, inconclusive: 1, better: 0, worse: 0, differs: 0 });
    expect(r.cells.find((c) => c.verdict === 'inconclusive')).toMatchObject({ row: 'x', column: 'a_fpr95_pct' });
    expect(compareResults(catalog, 'demo/table1', file, { resolution: 0.3 }).summary.within).toBe(10);
  });

  test('one cell made worse (higher FPR, beyond 2 combined sigmas): worse, exit 1', () => {
    // a = 1.00 ± 0.10 in the reference; 1.30 is 3 sigmas away
    const { catalog, file } = setup(demoCsv.replace('x,X,100,1.00,0.10', 'x,X,100,1.30,'));
    const r = compareResults(catalog, 'demo/table1', file);
    expect(r.exit_code).toBe(1);
    expect(r.cells.find((c) => c.verdict !== 'within')).toMatchObject({ row: 'x', column: 'a_fpr95_pct', verdict: 'worse' });
  });

  test('lower FPR beyond tolerance is better and does not fail', () => {
    const { catalog, file } = setup('row,a_fpr95_pct\nx,0.50\n');
    const r = compareResults(catalog, 'demo/table1', file);
    expect(r.cells).toEqual([expect.objectContaining({ verdict: 'better', delta: -0.5 })]);
    expect(r.exit_code).toBe(0);
  });

  test("uses the reference's std and the run's own std, and --sigmas / --tolerance", () => {
    // reference 1.00 ± 0.10: 1.15 is within 2 sigmas, outside 1 sigma
    const { catalog, file } = setup('row,a_fpr95_pct\nx,1.15\n');
    expect(compareResults(catalog, 'demo/table1', file).cells[0]?.verdict).toBe('within');
    expect(compareResults(catalog, 'demo/table1', file, { sigmas: 1 }).cells[0]?.verdict).toBe('worse');
    expect(compareResults(catalog, 'demo/table1', file, { sigmas: 1, tolerance: 0.2 }).cells[0]?.verdict).toBe('within');
    // 3.00 has no reference std; the run's own std 0.2 widens the allowance to 0.4
    const own = setup('row,a_fpr95_pct,a_fpr95_pct_std\ny,3.30,0.20\n');
    expect(compareResults(own.catalog, 'demo/table1', own.file).cells[0]?.verdict).toBe('within');
  });

  test('a spread too wide to decide is inconclusive, counted apart, and does not fail', () => {
    // 50.13 ± 26.27 against 3.00 (no reference std): |delta| 47.13 <= 0.005 + 2 x 26.27 = 52.545,
    // but the uncertainty 52.54 > 0.25 x 3.00, so agreement says nothing
    const { catalog, file } = setup('row,a_fpr95_pct,a_fpr95_pct_std\ny,50.13,26.27\n');
    const r = compareResults(catalog, 'demo/table1', file);
    expect(r.cells[0]).toMatchObject({ verdict: 'inconclusive', allowed: 0.005 + 52.54, uncertainty: 52.54 });
    expect(r.summary).toMatchObject({ within: 0, inconclusive: 1 });
    expect(r.exit_code).toBe(0);
    // the boundary: uncertainty exactly resolution x |reference| is still within; just above is not
    const edge = setup('row,a_fpr95_pct,a_fpr95_pct_std\ny,3.00,0.375\n');
    expect(compareResults(edge.catalog, 'demo/table1', edge.file).cells[0]?.verdict).toBe('within');
    expect(compareResults(edge.catalog, 'demo/table1', edge.file, { resolution: 0.2 }).cells[0]?.verdict).toBe('inconclusive');
    // outside the allowance a wide spread still decides
    const far = setup('row,a_fpr95_pct,a_fpr95_pct_std\ny,80.00,10.00\n');
    expect(compareResults(far.catalog, 'demo/table1', far.file).cells[0]?.verdict).toBe('worse');
    expect(() => compareResults(far.catalog, 'demo/table1', far.file, { resolution: -1 })).toThrow(/--resolution must be a number >= 0/);
  });

  test('a parameter count (no better direction) that differs fails as "differs"', () => {
    const { catalog, file } = setup('row,params_count\nx,101\n');
    const r = compareResults(catalog, 'demo/table1', file);
    expect(r.cells[0]?.verdict).toBe('differs');
    expect(r.exit_code).toBe(1);
  });

  test('cells the reference leaves empty are listed, not judged', () => {
    const { catalog, file } = setup('row,b_fpr95_pct,a_fpr95_pct\nxy,0.5,0.80\n');
    const r = compareResults(catalog, 'demo/table1', file);
    expect(r.unmatched).toEqual([{ row: 'xy', column: 'b_fpr95_pct' }]);
    expect(r.cells).toHaveLength(1);
  });

  test.each([
    ['unknown row', 'row,a_fpr95_pct\nq,1\n', /results\.csv:2, row "q": unknown row/],
    ['unknown column', 'row,c_fpr95_pct\nx,1\n', /results\.csv:1, column "c_fpr95_pct": unknown column/],
    ['non-numeric cell', 'row,a_fpr95_pct\nx,abc\n', /results\.csv:2, row "x", column "a_fpr95_pct": expected a number/],
    ['no matching cell', 'row,a_fpr95_pct\nx,\n', /no cell of the results matches/],
  ])('bad input: %s', (_w, csv, msg) => {
    const { catalog, file } = setup(csv);
    expect(() => compareResults(catalog, 'demo/table1', file)).toThrow(msg);
  });

  test('a missing file and an unknown table are input errors', () => {
    const { catalog } = setup(demoCsv);
    expect(() => compareResults(catalog, 'demo/table1', '/nonexistent/r.csv')).toThrow(/\/nonexistent\/r\.csv: no such file/);
    expect(() => compareResults(catalog, 'demo/nope', '/nonexistent/r.csv')).toThrow(/unknown table "demo\/nope"/);
  });
});
