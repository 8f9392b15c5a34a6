/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBenchmarksDir, loadCatalog } from '../../tables/catalog';
import { runReplay } from '../replay';
import { extraParams, planUbcRow, replayRecipe, selectUbcRows } from './ubc';

const catalog = loadCatalog(findBenchmarksDir(__dirname));
const tmp = (p: string): string => mkdtempSync(join(tmpdir(), `descbench-${p}-`));

describe('ubc kind: rows', () => {
  const noWeights = tmp('no-weights');

  test('SIFT is evaluated, never trained and never the default; trained rows use their own paper\'s recipe; rows without one say why', () => {
    const t = catalog.get('hynet/table1');
    expect(planUbcRow(t, 'sift', noWeights)).toEqual({ mode: 'hand-crafted', model: 'sift' });
    expect(planUbcRow(t, 'hardnet', noWeights)).toEqual({ mode: 'train', model: 'hardnet', recipe: 'hardnet' });
    expect(planUbcRow(t, 'sosnet', noWeights)).toMatchObject({ mode: 'train', recipe: 'sosnet' });
    expect(planUbcRow(t, 'hynet', noWeights)).toMatchObject({ mode: 'train', recipe: 'hynet' });
    expect(planUbcRow(t, 'tfeat', noWeights)).toMatchObject({ mode: 'none', why: expect.stringMatching(/recipe is not implemented here and no official weights/) });
    expect(planUbcRow(t, 'doap', noWeights)).toMatchObject({ mode: 'none', why: 'model "doap" is not in the zoo' });
    expect(selectUbcRows(t, { weightsDir: noWeights })).toEqual(['hardnet']);
    expect(selectUbcRows(t, { all: true, weightsDir: noWeights })).toEqual(['sift', 'hardnet', 'sosnet', 'hynet']);
    expect(() => selectUbcRows(t, { rows: ['l2-net'], weightsDir: noWeights })).toThrow(/--rows: row "l2-net" does not replay here: its paper's training recipe is not implemented/);
    expect(replayRecipe('sosnet+soa34')).toBe('solar-sosnet+');
    expect(replayRecipe('l2net')).toBeUndefined();
  });

  test('a row whose official weights are present is evaluated with them', () => {
    const dir = tmp('weights');
    mkdirSync(join(dir, 'tfeat'));
    writeFileSync(join(dir, 'tfeat', 'tfeat-liberty.params'), '');
    const t = catalog.get('hynet/table1');
    expect(planUbcRow(t, 'tfeat', dir)).toEqual({ mode: 'weights', model: 'tfeat', weights: { liberty: join(dir, 'tfeat', 'tfeat-liberty.params') } });
    expect(selectUbcRows(t, { all: true, weightsDir: dir })).toEqual(['sift', 'tfeat', 'hardnet', 'sosnet', 'hynet']);
  });

  test('SOLAR Table 1: default, --all-soa, unknown rows; Extra Params counted from the networks', () => {
    const t = catalog.get('solar-supp/table1');
    expect(selectUbcRows(t, { weightsDir: noWeights })).toEqual(['sosnet']);
    expect(selectUbcRows(t, { allSoa: true, weightsDir: noWeights })).toEqual(['sosnet+', 'sosnet+soa3', 'sosnet+soa4', 'sosnet+soa5', 'sosnet+soa6', 'sosnet+soa34', 'sosnet+soa35', 'sosnet+soa45', 'sosnet+soa46', 'sosnet+soa345']);
    expect(() => selectUbcRows(t, { rows: ['nope'], weightsDir: noWeights })).toThrow(/--rows: table solar-supp\/table1 has no row "nope"/);
    // the released SOA block: 4,272 parameters at 64 channels, 33,344 at 128 (PROTOCOLS.md, golden/soa_params.json)
    expect(extraParams('sosnet+soa3')).toBe(4272);
    expect(extraParams('sosnet+soa5')).toBe(33344);
    expect(extraParams('sosnet+soa345')).toBe(4272 + 4272 + 33344);
  });
});

describe('ubc kind: data', () => {
  test('real and generated subsets are never mixed under one label: refused before any work, naming which is which', async () => {
    const dataDir = tmp('ubc-mixed');
    const liberty = join(dataDir, 'phototour', 'liberty');
    mkdirSync(liberty, { recursive: true });
    for (const f of ['info.txt', 'm50_100000_100000_0.txt', 'patches0000.bmp']) writeFileSync(join(liberty, f), '');
    await expect(runReplay(catalog, { table: 'hynet/table1', profile: 'tiny', data: 'auto', dataDir, backend: 'wasm', resultsDir: tmp('r'), kind: { patches: 256 } })).rejects.toThrow(
      /--data: hynet\/table1: real and generated data would be mixed under one label \(real: liberty; generated: notredame, yosemite\); fetch the missing real data, or pass --data synthetic/,
    );
  });
});

/** `bench ubc` end to end on tiny generated UBC data: one SOA row trained on liberty with 2 seeds, and SIFT evaluated; tiny profile. */
describe('ubc kind: replay', () => {
  test('SOLAR Table 1 row at --profile tiny, trained on liberty: mean ± std over seeds per test subset, Extra Params; record per cell', async () => {
    const dataDir = tmp('ubc-data');
    const resultsDir = tmp('ubc-results');
    const r = await runReplay(catalog, { table: 'solar-supp/table1', rows: ['sosnet+soa3'], profile: 'tiny', seeds: 2, data: 'synthetic', dataDir, backend: 'wasm', resultsDir, kind: { patches: 256, trains: ['liberty'], weightsDir: tmp('w') } });
    expect(r.data).toBe('synthetic');
    const cols = ['extra_params_count', 'liberty_notredame_fpr95_pct', 'liberty_yosemite_fpr95_pct'];
    expect(r.aggregated.map((c) => c.column)).toEqual(cols);
    expect(r.aggregated[0]).toMatchObject({ seeds: [1], mean: 4272, std: null });
    for (const c of r.aggregated.slice(1)) {
      expect(c.seeds).toEqual([1, 2]);
      expect(c.mean).toBeGreaterThanOrEqual(0);
      expect(c.mean).toBeLessThanOrEqual(100);
      expect(c.std).not.toBeNull();
    }
    const csv = readFileSync(r.files.csv, 'utf8').split('\n');
    expect(csv[0]).toBe(`row,label,extra_params_count,${cols.slice(1).map((c) => `${c},${c}_std`).join(',')}`);
    expect(csv[1]).toMatch(/^sosnet\+soa3,"SOSNet\+, SOA_3",4272,\d/);
    const record = JSON.parse(readFileSync(r.files.json, 'utf8'));
    expect(record).toMatchObject({ table: 'solar-supp/table1', data: 'synthetic', config: { profile: 'tiny', seeds: 2, data: 'synthetic' } });
    expect(record.cells).toHaveLength(2);
    expect(record.cells.every((c: { data: string; worker: string; settings: { recipe: { name: string; source: string } } }) => c.data === 'synthetic' && /^(inline|pid:\d+)$/.test(c.worker) && c.settings.recipe.name === 'solar-sosnet+' && c.settings.recipe.source.length > 0)).toBe(true);
    expect(record.reference_delta.cells).toHaveLength(3);
    // where each cell's time went (benchmarks/speed/replay-cell.js reads it): 4 tiny steps, the patches of two test subsets
    for (const v of r.values) {
      expect(v.extra).toMatchObject({ steps: 4, runtime: 'onnx', eval_patches: expect.any(Number) });
      const sec = v.extra!.seconds as Record<string, number>;
      expect(Object.keys(sec).sort()).toEqual(['cpu', 'data', 'eval', 'eval_build', 'total', 'train', 'train_step_median', 'train_steps']);
      expect(sec.train_steps).toBeLessThanOrEqual(sec.train!);
      expect(sec.train! + sec.eval!).toBeLessThanOrEqual(sec.total!);
      expect(sec.cpu).toBeGreaterThan(0);
      expect(v.extra!.eval_patches).toBeGreaterThan(256);
    }
    expect(readdirSync(join(resultsDir, 'solar-supp/table1')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('HyNet Table 1 SIFT row: evaluated once per test subset, the value repeated under both training columns', async () => {
    const r = await runReplay(catalog, { table: 'hynet/table1', rows: ['sift'], profile: 'tiny', data: 'synthetic', dataDir: tmp('ubc-data'), backend: 'wasm', resultsDir: tmp('ubc-results'), kind: { patches: 256 } });
    expect(r.cells.map((c) => c.spec.unit)).toEqual(['test=liberty', 'test=notredame', 'test=yosemite']);
    const v = (col: string): number => r.aggregated.find((a) => a.column === col)!.mean;
    expect(v('notredame_liberty_fpr95_pct')).toBe(v('yosemite_liberty_fpr95_pct'));
    expect(v('liberty_yosemite_fpr95_pct')).toBe(v('notredame_yosemite_fpr95_pct'));
    expect(r.values.every((x) => x.extra?.mode === 'hand-crafted')).toBe(true);
  });
});
