/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { encodePickle, generateRevisitopFeatures, RETRIEVAL_FAMILY_VERSION, generateRevisitopGnd, NumpyArray, readRevisitopGnd, type RevisitopGnd } from '@descbench/datasets';
import { createCsaModel, CSA_PAPER_CONFIG } from '@descbench/retrieval';
import { evalRanks } from '../../eval/eval-ranks';
import { loadRevisitopFeatures } from '../../retrieval/features-in';
import { retrieve } from '../../retrieval/retrieve';
import { loadCatalog } from '../../tables/catalog';
import { runReplay } from '../replay';
import { retrievalKind, retrievalSeedStudies } from './retrieval';
import type { ReplayResult } from '../types';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-retrieval-kind-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('retrieval kind (csa-supp/table1, first stage)', () => {
  test('replays two feature types on generated roxford5k; bench eval-ranks on the written rankings gives the same mAP', async () => {
    const r = await runReplay(loadCatalog(), {
      table: 'csa-supp/table1',
      profile: 'tiny',
      data: 'synthetic',
      dataDir: join(tmp, 'data'),
      resultsDir: join(tmp, 'results'),
      rows: ['r-gem-o', 'r-mac-w'],
      kind: { datasets: ['roxford5k'] },
    });
    expect(r.data).toBe('synthetic');
    const got = (row: string, col: string): number => r.aggregated.find((a) => a.row === row && a.column === col)!.mean;
    // the generated types differ in quality as the paper's do
    expect(got('r-gem-o', 'roxf_medium_map_pct')).toBeLessThan(got('r-mac-w', 'roxf_medium_map_pct'));
    expect(r.aggregated.some((a) => a.column.startsWith('rpar'))).toBe(false);
    for (const [i, c] of r.cells.entries()) {
      const extra = r.values[i]!.extra as { ranks: string; alpha_qe: { ranks: string; medium: { map_pct: number } } };
      const gnd = join(tmp, 'data', 'synthetic', `retrieval-v${RETRIEVAL_FAMILY_VERSION}-s0`, 'roxford5k', 'gnd_roxford5k.pkl');
      const e = evalRanks({ gnd, ranks: extra.ranks });
      expect(100 * e.medium.mAP).toBeCloseTo(r.values[i]!.values.roxf_medium_map_pct!, 10);
      expect(100 * e.hard.mAP).toBeCloseTo(r.values[i]!.values.roxf_hard_map_pct!, 10);
      expect(100 * evalRanks({ gnd, ranks: extra.alpha_qe.ranks }).medium.mAP).toBeCloseTo(extra.alpha_qe.medium.map_pct, 10);
      expect(c.spec.unit).toBe('roxford5k');
    }
  });
});

describe('retrieval kind with R1M-style distractors', () => {
  test('distractors lower mAP; eval-ranks --distractors reproduces it', async () => {
    const opts = { table: 'csa-supp/table1', profile: 'tiny', data: 'synthetic' as const, dataDir: join(tmp, 'data'), resultsDir: join(tmp, 'results-r1m'), rows: ['r-mac-w'] };
    const plain = await runReplay(loadCatalog(), { ...opts, kind: { datasets: ['roxford5k'] } });
    const r = await runReplay(loadCatalog(), { ...opts, kind: { datasets: ['roxford5k'], r1m: true, distractors: 3000 } });
    const v = r.values[0]!;
    expect(v.values.roxf_medium_map_pct!).toBeLessThan(plain.values[0]!.values.roxf_medium_map_pct!);
    const gnd = join(tmp, 'data', 'synthetic', `retrieval-v${RETRIEVAL_FAMILY_VERSION}-s0`, 'roxford5k', 'gnd_roxford5k.pkl');
    const ranks = (v.extra as { ranks: string }).ranks;
    expect(ranks).toMatch(/roxford5k-r1m_r-mac-w_first\.npy$/);
    expect(100 * evalRanks({ gnd, ranks, distractors: 3000 }).hard.mAP).toBeCloseTo(v.values.roxf_hard_map_pct!, 10);
    expect(() => evalRanks({ gnd, ranks })).toThrow(/pass --distractors/);
  });
});

describe('retrieval kind: the Fig. 2 seed study of +Ours rows', () => {
  test('per-seed values, mean ± std, min, max, distinct models, and a plot', () => {
    const cell = (row: string, seed: number) => ({ key: `${row}${seed}`, spec: { kind: 'retrieval', table: 'csa-supp/table1', row, columns: [], unit: 'roxford5k', seed, settings: {} } });
    const specs = [cell('r-gem-o', 1), cell('r-gem-o+ours', 1), cell('r-gem-o+ours', 2), cell('r-gem-o+ours', 3)];
    const vals = [40, 50, 52, 54].map((v, i) => ({ values: { roxf_medium_map_pct: v }, data: 'synthetic' as const, extra: i > 0 ? { csa: { fingerprint: 'abc'[i - 1] } } : {} }));
    const r = { cells: specs, values: vals } as unknown as ReplayResult;
    const [s] = retrievalSeedStudies(r);
    expect(s!.row).toBe('r-gem-o+ours');
    expect(s!.study.distinctModels).toBe(3);
    expect(s!.study.columns[0]).toMatchObject({ column: 'roxf_medium_map_pct', values: [50, 52, 54], mean: 52, std: 2, min: 50, max: 54 });
    expect(retrievalKind.plots!(r, undefined as never)).toHaveLength(1);
  });
});

describe('retrieval: bad input', () => {
  const gnd = generateRevisitopGnd('roxford5k', { images: 60, queries: 6 });
  const realRoot = (label: string, features: Parameters<typeof encodePickle>[0]): string => {
    const root = join(tmp, label);
    const g = generateRevisitopFeatures(join(root, 'revisitop'), { name: 'roxford5k', gnd, types: ['r-gem'] });
    mkdirSync(join(root, 'revisitop', 'roxford5k', 'features'), { recursive: true });
    writeFileSync(join(root, 'revisitop', 'roxford5k', 'features', 'r-gem-o.pkl'), encodePickle(features));
    expect(existsSync(g.gndFile)).toBe(true);
    return root;
  };
  const replay = (root: string): Promise<unknown> =>
    runReplay(loadCatalog(), { table: 'csa-supp/table1', profile: 'tiny', data: 'real', dataDir: root, resultsDir: join(root, 'results'), rows: ['r-gem-o'], kind: { datasets: ['roxford5k'] } });
  const cols = (d: number, n: number, fill = 0.1): NumpyArray => new NumpyArray(new Float32Array(d * n).fill(fill), [d, n]);

  test('features whose sizes do not match the ground truth: InputError naming the file, nothing written', async () => {
    const root = realRoot('bad-size', { db: cols(8, 59), query: cols(8, 6) });
    await expect(replay(root)).rejects.toThrow(InputError);
    await expect(replay(root)).rejects.toThrow(/r-gem-o\.pkl: 'db' holds 59 descriptors, the ground truth has 60/);
    expect(existsSync(join(root, 'results', 'csa-supp', 'table1')) ? readdirSync(join(root, 'results', 'csa-supp', 'table1')).filter((f) => f.startsWith('results_')) : []).toEqual([]);
  });

  test('a NaN row, and a pickle holding anything but the dict of arrays', async () => {
    const nan = new Float32Array(8 * 60).fill(0.1);
    nan[3 * 60 + 17] = NaN;
    await expect(replay(realRoot('nan', { db: new NumpyArray(nan, [8, 60]), query: cols(8, 6) }))).rejects.toThrow(/r-gem-o\.pkl: 'db': non-finite value at descriptor 17, component 3/);
    await expect(replay(realRoot('list', [1, 2, 3]))).rejects.toThrow(/r-gem-o\.pkl: expected a dict of numpy arrays with keys 'db', 'query', got a list/);
    await expect(replay(realRoot('str', { db: 'x', query: cols(8, 6) }))).rejects.toThrow(/'db' is a str, expected a 2-D float numpy array/);
  });

  test('K or L larger than the database', async () => {
    const g: RevisitopGnd = readRevisitopGnd(generateRevisitopFeatures(join(tmp, 'small'), { name: 'roxford5k', gnd, types: ['r-gem'] }).gndFile);
    const f = loadRevisitopFeatures({ kind: 'pickle', file: join(tmp, 'small', 'roxford5k', 'features', 'r-gem.pkl') }, g);
    const model = createCsaModel({ ...CSA_PAPER_CONFIG, anchors: 16, embedDim: 24, heads: 12 }, { seed: 1 });
    await expect(retrieve({ gnd: g, features: f, method: 'csa', csa: { model, k: 61 } })).rejects.toThrow(/csa: K = 61 and L = 16 need at least 61 database images; there are 60/);
    const wide = createCsaModel({ ...CSA_PAPER_CONFIG, anchors: 64, embedDim: 24, heads: 12 }, { seed: 1 });
    await expect(retrieve({ gnd: g, features: f, method: 'csa', csa: { model: wide, k: 8 } })).rejects.toThrow(/L = 64 need at least 63 database images; there are 60/);
    await expect(retrieve({ gnd: g, features: f, method: 'alpha-qe', n: 61 })).rejects.toThrow(InputError);
  });
});
