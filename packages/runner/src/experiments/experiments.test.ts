import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../tables/catalog';
import { compareResults } from '../tables/compare';
import { demoCsv, demoSpec, writeBenchmarks } from '../__fixtures__/write-table';
import { CellJournal } from '../engine/journal';
import { aggregateSeeds, resultsCsv } from './seed-table';
import { writeRunRecord } from './run-record';

describe('cell journal', () => {
  test('entries survive a restart under their keys; a torn last line is ignored and that cell runs again', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'descbench-journal-')), 'run.jsonl');
    const j = new CellJournal(path);
    const spec = { kind: 'demo', table: 'demo/table1', row: 'x', columns: ['a_fpr95_pct'], unit: 'all', seed: 1, settings: {} };
    const entry = (key: string, v: number) => ({ key, spec, value: { values: { a_fpr95_pct: v }, data: 'synthetic' as const }, worker: 'inline', finished: '2026-01-01T00:00:00Z' });
    j.append(entry('k1', 1.1));
    j.append(entry('k2', 0.9));
    appendFileSync(path, '{"key":"k3","spec":{"kind"'); // killed mid-write
    const resumed = new CellJournal(path);
    expect(resumed.size).toBe(2);
    expect(resumed.get('k2')?.value.values.a_fpr95_pct).toBe(0.9);
    expect(resumed.has('k3')).toBe(false);
    resumed.remove();
    expect(existsSync(path)).toBe(false);
  });
});

describe('seed aggregation to a results CSV that compare reads', () => {
  test('mean ± sample std per cell, printed with one more decimal than the reference', () => {
    const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv }]);
    const catalog = loadCatalog(root);
    const t = catalog.get('demo/table1');
    const cells = aggregateSeeds(t, [
      { row: 'x', column: 'a_fpr95_pct', seed: 1, value: 1.0 },
      { row: 'x', column: 'a_fpr95_pct', seed: 2, value: 1.2 },
      { row: 'x', column: 'a_fpr95_pct', seed: 3, value: 1.1 },
      { row: 'y', column: 'b_fpr95_pct', seed: 1, value: 1.0 },
    ]);
    expect(cells[0]).toMatchObject({ row: 'x', column: 'a_fpr95_pct', seeds: [1, 2, 3] });
    expect(cells[0]?.mean).toBeCloseTo(1.1, 12);
    expect(cells[0]?.std).toBeCloseTo(0.1, 12);
    expect(cells[1]?.std).toBeNull();
    const csv = resultsCsv(t, cells);
    expect(csv).toBe('row,label,a_fpr95_pct,a_fpr95_pct_std,b_fpr95_pct\nx,X,1.100,0.100,\ny,Y,,,1.000\n');
    const out = mkdtempSync(join(tmpdir(), 'descbench-results-'));
    const files = writeRunRecord(out, t, { table: t.id, spec: t.spec, versions: {}, config: {}, git_hash: null, date: '2026-01-01T00:00:00.000Z', results: cells, reference_delta: null }, csv);
    expect(files.csv).toBe(join(out, 'demo/table1/results_2026-01-01T00-00-00-000Z.csv'));
    expect(readFileSync(files.csv, 'utf8')).toBe(csv);
    const report = compareResults(catalog, 'demo/table1', files.csv);
    // x.a: 1.100 ± 0.100 against 1.00 ± 0.10, a spread of 28% of the value: too wide to decide
    expect(report.cells.map((c) => c.verdict)).toEqual(['inconclusive', 'better']);
  });
});
