/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBenchmarksDir, loadCatalog } from '../../tables/catalog';
import { kindForTable } from '../kinds';
import { runReplay } from '../replay';
import { csaAblationGrid, csaAblationKind } from './csa-ablation';

const catalog = loadCatalog(findBenchmarksDir(__dirname));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'descbench-csa-ablation-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('csa-ablation kind (CSA supp. Fig. 1)', () => {
  test('registered for csa-supp/fig1; grid per panel without the shared default; unknown panels refused', async () => {
    expect(kindForTable('csa-supp/fig1')?.id).toBe('csa-ablation');
    const g = csaAblationGrid('paper');
    expect(g.width).toBe(768);
    const by = (p: string) => g.points.filter((x) => x.panel === p).map((x) => x.x);
    expect(by('default')).toEqual([0]);
    expect(by('depth')).toEqual([1, 4, 6]);
    expect(by('hidden')).toEqual([192, 384, 1536]);
    expect(by('weight')).toEqual([0, 0.1, 0.5, 1]);
    expect(by('temperature')).toEqual([0.5, 1, 4]);
    expect(csaAblationGrid('tiny').points.filter((x) => x.panel === 'hidden').map((x) => x.x)).toEqual([12, 48]);
    const t = catalog.get('csa-supp/fig1');
    await expect(csaAblationKind.cells(t, { table: t.id, profile: 'tiny', dataDir: dir, kind: { panels: 'depth,colour' } })).rejects.toThrow(/unknown panel "colour"/);
  });

  test('tiny replay of one panel: info columns filled with what ran, mAP curves in the extras, one plot for the panel', async () => {
    const r = await runReplay(catalog, { table: 'csa-supp/fig1', profile: 'tiny', dataDir: dir, resultsDir: join(dir, 'results'), data: 'synthetic', backend: 'wasm', kind: { panels: 'temperature' } });
    expect(r.data).toBe('synthetic');
    const cell = (row: string, col: string) => r.aggregated.find((a) => a.row === row && a.column === col)?.mean;
    expect(cell('all_panels', 'anchor_length_count')).toBe(16);
    expect(cell('validation_set', 'validation_models_count')).toBe(8);
    const pts = r.values.flatMap((v) => (v.extra?.panel !== undefined ? [v.extra as { panel: string; x: number; map: number; firstStageMap: number }] : []));
    expect(pts.map((p) => `${p.panel}:${p.x}`)).toEqual(['default:0', 'temperature:0.5', 'temperature:1', 'temperature:4']);
    for (const p of pts) {
      expect(p.map).toBeGreaterThan(0);
      expect(p.map).toBeLessThanOrEqual(100);
      expect(p.firstStageMap).toBeCloseTo(pts[0]!.firstStageMap, 10);
    }
    const plots = csaAblationKind.plots!(r, catalog.get('csa-supp/fig1'));
    expect(plots.map((p) => p.id)).toEqual(['fig1-d']);
    expect(plots[0]!.title).toMatch(/generated data, not the paper's result/);
  });
});
