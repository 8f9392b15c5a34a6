/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../tables/catalog';
import { runReplay } from '../replay';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-how-kind-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const opts = (table: string, extra: Record<string, unknown> = {}) => ({
  table,
  profile: 'tiny',
  data: 'synthetic' as const,
  dataDir: join(tmp, 'data'),
  resultsDir: join(tmp, 'results'),
  jobs: 1,
  ...extra,
});

describe('how-asmk kind (context-slides tables) at --profile tiny on generated images', () => {
  test('Numerical Results: HOW and + GCN, every column a mAP in %, the HOW row with its untrained backbone', async () => {
    const r = await runReplay(loadCatalog(), opts('context-slides/table-numerical-results', { rows: ['how', 'how+gcn'] }));
    expect(r.data).toBe('synthetic');
    const cols = ['sfm_val_map_pct', 'roxf_medium_map_pct', 'roxf_hard_map_pct', 'rpar_medium_map_pct', 'rpar_hard_map_pct'];
    for (const row of ['how', 'how+gcn'])
      for (const c of cols) {
        const v = r.aggregated.find((a) => a.row === row && a.column === c)!.mean;
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThanOrEqual(100);
      }
    const how = r.values[r.cells.findIndex((c) => c.spec.row === 'how')]!;
    expect(Object.keys(how.extra!.untrained as object).sort()).toEqual([...cols].sort());
  }, 120_000);

  test('FIRe comparison: only the HOW row is computed, with a Mem (GB) estimate and + R1M columns from generated distractors; reference rows are refused', async () => {
    const r = await runReplay(loadCatalog(), opts('context-slides/table-fire-comparison'));
    expect([...new Set(r.cells.map((c) => c.spec.row))]).toEqual(['how']);
    expect(r.aggregated.find((a) => a.column === 'mem_gb')!.mean).toBeGreaterThan(0);
    // "+ R1M": the same queries over the database plus generated distractors can only rank the positives lower
    const v = (c: string): number => r.aggregated.find((a) => a.row === 'how' && a.column === c)!.mean;
    for (const ds of ['roxf', 'rpar'])
      for (const p of ['medium', 'hard']) {
        expect(v(`${ds}_r1m_${p}_map_pct`)).toBeGreaterThan(0);
        expect(v(`${ds}_r1m_${p}_map_pct`)).toBeLessThanOrEqual(v(`${ds}_${p}_map_pct`));
      }
    await expect(runReplay(loadCatalog(), opts('context-slides/table-fire-comparison', { rows: ['fire'] }))).rejects.toThrow(/reference from another paper/);
    await expect(runReplay(loadCatalog(), opts('context-slides/table-kernel-size', { profile: 'paper' }))).rejects.toThrow(/--profile tiny or smoke/);
  }, 120_000);
});
