/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTfjsBackend } from '@descbench/models';
import { findBenchmarksDir, loadCatalog } from '../../tables/catalog';
import { runReplay } from '../replay';
import { fig4Pair, hpatchesBreakdownRows, hpatchesBreakdownText, hpatchesKind, table3Recipe, type HPatchesCellSettings } from './hpatches';

const catalog = loadCatalog(findBenchmarksDir(__dirname));
const tmp = (p: string): string => mkdtempSync(join(tmpdir(), `descbench-${p}-`));
// Small generated data: 6 HPatches sequences of 12 patches, UBC subsets of 256 patches.
const small = { hpatchesSequences: 6, hpatchesPatches: 12, patches: 256 };

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

describe('hpatches kind', () => {
  test('Table 3 rows as recipes: one component changed each, the full HyNet three times', () => {
    expect(table3Recipe('rl2-off')).toMatchObject({ model: 'hynet', loss: 'hynet', lossOptions: { gamma: 0, alpha: 2, margin: 1.2 } });
    for (const r of ['rl2-on', 's_h', 'frn']) expect(table3Recipe(r)).toEqual(table3Recipe('rl2-on'));
    expect(table3Recipe('s')).toMatchObject({ loss: 'hynet-s', lossOptions: { margin: 0.9, gamma: 0.1 } });
    expect(table3Recipe('d', { marginD: 1 })).toMatchObject({ loss: 'hynet-d', lossOptions: { margin: 1, gamma: 0.1 } });
    expect(table3Recipe('bn')).toMatchObject({ model: 'hynet-bn', loss: 'hynet' });
    expect(table3Recipe('in')).toMatchObject({ model: 'hynet-in', loss: 'hynet' });
    expect(table3Recipe('hardnet-frn')).toMatchObject({ model: 'hynet', loss: 'hardnet', lossOptions: { margin: 1, anchorSwap: true } });
    expect(table3Recipe('sosnet-frn')).toMatchObject({ model: 'hynet', loss: 'sosnet' });
    expect(table3Recipe('nope')).toBeUndefined();
    expect(fig4Pair('hynet_over_sosnet')).toEqual(['hynet', 'sosnet']);
    expect(fig4Pair('doap_over_sosnet')).toBeUndefined();
  });

  test('cells: official Liberty weights when present, else trained; Table 3 always trains; one data kind', async () => {
    const dataDir = tmp('hp-data');
    const weightsDir = join(dataDir, 'weights');
    mkdirSync(join(weightsDir, 'sosnet'), { recursive: true });
    writeFileSync(join(weightsDir, 'sosnet', 'sosnet_32x32_liberty.pth'), 'not read by cells()');
    const fig4 = await hpatchesKind.cells(catalog.get('hynet/fig4'), { table: 'hynet/fig4', profile: 'tiny', data: 'synthetic', dataDir, kind: { ...small, weightsDir } });
    expect(fig4.map((c) => `${c.row}:${c.unit}`)).toEqual(['hynet_over_sosnet:hynet-sosnet', 'sosnet_over_hardnet:sosnet-hardnet']);
    const s = fig4[0]!.settings as HPatchesCellSettings;
    expect(s.descriptors.map((d) => d.origin)).toEqual(['trained', 'official']);
    expect(s.descriptors[1]!.weights!.file).toBe(join(weightsDir, 'sosnet', 'sosnet_32x32_liberty.pth'));
    expect(s.data.kind).toBe('synthetic');
    expect(s.hpatchesStandIn).toEqual({ sequences: 6, patches: 12 });
    expect(s.resize).toBe('opencv-linear'); // cv2.resize(patch, (32, 32)), as HardNet's / HyNet's code
    const t3 = await hpatchesKind.cells(catalog.get('hynet/table3'), { table: 'hynet/table3', profile: 'tiny', data: 'synthetic', dataDir, kind: { ...small, weightsDir } });
    expect(t3).toHaveLength(10);
    expect(t3.every((c) => (c.settings as HPatchesCellSettings).descriptors[0]!.origin === 'trained')).toBe(true);
    await expect(hpatchesKind.cells(catalog.get('hynet/table3'), { table: 'hynet/table3', profile: 'tiny', rows: ['xx'], data: 'synthetic', dataDir, kind: small })).rejects.toThrow(/--rows: table hynet\/table3 has no row "xx"/);
  });

  test('Fig. 4 end to end on generated data: differences per row, per-descriptor Easy/Hard/Tough breakdown, figure data CSV', async () => {
    const dataDir = tmp('hp-e2e');
    const results = tmp('hp-results');
    const r = await runReplay(catalog, { table: 'hynet/fig4', profile: 'tiny', rows: ['sosnet_over_hardnet'], data: 'synthetic', dataDir, resultsDir: results, kind: small });
    expect(r.data).toBe('synthetic');
    const cols = ['verification_map_points', 'matching_map_points', 'retrieval_map_points'];
    expect(r.aggregated.map((a) => a.column)).toEqual(cols);
    const rows = hpatchesBreakdownRows(r);
    expect([...new Set(rows.map((x) => x.row))]).toEqual(['sosnet', 'hardnet']);
    const at = (d: string, task: string, noise: string): number => rows.find((x) => x.row === d && x.task === task && x.noise === noise)!.map_pct;
    for (const task of ['verification', 'matching', 'retrieval']) {
      const k = cols.find((c) => c.startsWith(task))!;
      expect(r.aggregated.find((a) => a.column === k)!.mean).toBeCloseTo(at('sosnet', task, 'mean') - at('hardnet', task, 'mean'), 9);
      expect(at('hardnet', task, 'mean')).toBeCloseTo((at('hardnet', task, 'Easy') + at('hardnet', task, 'Hard') + at('hardnet', task, 'Tough')) / 3, 9);
    }
    expect(hpatchesBreakdownText(r)).toMatch(/\| sosnet +\| trained +\|/);
    expect(r.files.data).toHaveLength(1);
    const csv = readFileSync(r.files.data![0]!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('row,descriptor,origin,task,noise,map_pct,seeds');
    expect(csv).toHaveLength(1 + 2 * 3 * 3); // sosnet, hardnet x 3 tasks x e/h/t
    const record = JSON.parse(readFileSync(r.files.json, 'utf8'));
    expect(record.plots[0].id).toBe('hynet-fig4-noise');
    expect(record.cells.map((c: { settings: { resize: string } }) => c.settings.resize)).toEqual(['opencv-linear']);
    expect(existsSync(r.files.csv)).toBe(true);
  });
});
