/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBenchmarksDir, loadCatalog } from '../tables/catalog';
import { replayUbcTable, selectUbcRows } from './ubc-replay';
import { RunJournal } from './run-journal';

/** `bench ubc` end to end on generated UBC data: one row, 3 training subsets x 2 seeds, tiny profile. */
describe('replayUbcTable', () => {
  const catalog = loadCatalog(findBenchmarksDir(__dirname));
  const dataDir = mkdtempSync(join(tmpdir(), 'descbench-ubc-data-'));
  const resultsDir = mkdtempSync(join(tmpdir(), 'descbench-ubc-results-'));
  const base = { table: 'solar-supp/table1', rows: ['sosnet+soa3'], profile: 'tiny', seeds: 2, data: 'synthetic' as const, dataDir, patches: 1024, backend: 'wasm', resultsDir };

  test('row selection: default, --all-soa, unknown rows', () => {
    const t = catalog.get('solar-supp/table1');
    expect(selectUbcRows(t, {})).toEqual(['sosnet']);
    expect(selectUbcRows(t, { allSoa: true })).toEqual(['sosnet+', 'sosnet+soa3', 'sosnet+soa4', 'sosnet+soa5', 'sosnet+soa6', 'sosnet+soa34', 'sosnet+soa35', 'sosnet+soa45', 'sosnet+soa46', 'sosnet+soa345']);
    expect(() => selectUbcRows(t, { rows: ['nope'] })).toThrow(/--rows: table solar-supp\/table1 has no row "nope"/);
  });

  test('writes mean ± std over seeds for every train/test cell and the mean column, then a record; resumes from its journal', async () => {
    const r = await replayUbcTable(catalog, base);
    expect(r.data).toBe('synthetic');
    const cols = ['liberty_notredame_fpr95_pct', 'liberty_yosemite_fpr95_pct', 'notredame_liberty_fpr95_pct', 'notredame_yosemite_fpr95_pct', 'yosemite_liberty_fpr95_pct', 'yosemite_notredame_fpr95_pct', 'mean_fpr95_pct'];
    expect(r.cells.map((c) => c.column)).toEqual(cols);
    for (const c of r.cells) {
      expect(c.seeds).toEqual([1, 2]);
      expect(c.mean).toBeGreaterThanOrEqual(0);
      expect(c.mean).toBeLessThanOrEqual(100);
      expect(c.std).not.toBeNull();
    }
    const csv = readFileSync(r.files.csv, 'utf8').split('\n');
    expect(csv[0]).toBe(`row,label,${cols.map((c) => `${c},${c}_std`).join(',')}`);
    expect(csv[1]).toMatch(/^sosnet\+soa3,"SOSNet\+, SOA_3",\d/);
    const record = JSON.parse(readFileSync(r.files.json, 'utf8'));
    expect(record).toMatchObject({ table: 'solar-supp/table1', config: { profile: 'tiny', seeds: 2, data: 'synthetic' } });
    expect(record.reference_delta.cells).toHaveLength(7);
    // nothing half-done is left behind
    expect(readdirSync(join(resultsDir, 'solar-supp/table1')).filter((f) => f.startsWith('.'))).toEqual([]);

    // Resume: cells already in the journal are not run again (marked values show they were taken from it).
    const journalPath = record.config.journal as string;
    const j = new RunJournal(journalPath);
    for (const c of r.cells.filter((x) => x.column !== 'mean_fpr95_pct')) c.seeds.forEach((seed) => j.append({ row: c.row, column: c.column, seed, value: 12.5 }));
    const again = await replayUbcTable(catalog, base);
    expect(again.cells.map((c) => [c.mean, c.std])).toEqual(cols.map(() => [12.5, 0]));
    expect(existsSync(journalPath)).toBe(false);
  });
});
