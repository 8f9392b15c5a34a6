import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, SeededRng } from '@descbench/core';
import { sharedFiles } from '../../core/src/__fixtures__/shared';
import { featureDictFromPickle, readFeatureDict } from './formats/feature-pickle';
import { parsePickle } from './formats/pickle';
import { readRevisitopGnd, type RevisitopGnd } from './formats/revisitop-gnd';
import { encodePickle, NumpyArray } from './pickle-writer';
import { REVISITOP_COUNTS } from './revisitop';
import { readRsfm120k } from './rsfm120k';
import {
  GENERATED_FEATURE_TYPES,
  generateDistractorFeatures,
  generateRevisitopFeatures,
  generateRevisitopGnd,
  generateRevisitopTypeFeatures,
  clusterSizeSampler,
  clusterSizeTag,
  generateRsfmFeatures,
  generatedFeatureType,
  revisitopStructure,
  RSFM120K_COUNTS,
  RSFM_LIKE_CLUSTER_SIZES,
} from './synthetic-retrieval-features';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-retr-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Mean over queries of the fraction of medium positives (easy + hard) among the top |positives|. */
function rPrecision(gnd: RevisitopGnd, db: Float32Array, query: Float32Array, D: number): number {
  const N = gnd.imlist.length;
  const Q = gnd.qimlist.length;
  let sum = 0;
  for (let q = 0; q < Q; q++) {
    const pos = new Set([...gnd.gnd[q]!.easy, ...gnd.gnd[q]!.hard]);
    const s = Array.from({ length: N }, (_, i) => {
      let a = 0;
      for (let d = 0; d < D; d++) a += db[d * N + i]! * query[d * Q + q]!;
      return a;
    });
    const top = Array.from({ length: N }, (_, i) => i).sort((a, b) => s[b]! - s[a]!).slice(0, pos.size);
    sum += top.filter((i) => pos.has(i)).length / pos.size;
  }
  return sum / Q;
}

describe('generated revisitop ground truth', () => {
  it('has the official counts and valid, overlapping lists', () => {
    const g = generateRevisitopGnd('roxford5k');
    expect(g.imlist).toHaveLength(REVISITOP_COUNTS.roxford5k.images);
    expect(g.qimlist).toHaveLength(70);
    const s = revisitopStructure(g);
    expect(new Set(s.targetOfQuery).size).toBe(24);
    expect(s.landmarks).toBe(11);
    for (const q of g.gnd) {
      expect(q.bbx).toHaveLength(4);
      expect(q.easy.length + q.hard.length).toBeGreaterThan(0);
      for (const i of [...q.easy, ...q.hard, ...q.junk]) expect(i).toBeLessThan(g.imlist.length);
    }
    expect(generateRevisitopGnd('roxford5k')).toEqual(g);
  });

  const shared = sharedFiles('generated features on the real revisitop structure', ['data/revisitop/gnd_roxford5k.pkl']);
  shared.test('follows a real ground truth when one is given', () => {
    const real = readRevisitopGnd(shared.path('data/revisitop/gnd_roxford5k.pkl'));
    const r = generateRevisitopFeatures(join(tmp, 'real'), { name: 'roxford5k', gnd: real, types: ['r-gem'] });
    expect(r.structure).toBe('real-gnd');
    expect(readRevisitopGnd(r.gndFile)).toEqual(real);
    const f = readFeatureDict(r.featureFiles['r-gem']!, ['db', 'query'], { counts: { db: 4993, query: 70 } });
    expect(f.db!.dim).toBe(256);
  });
});

describe('generated revisitop features', () => {
  it('writes the gnd and one {db, query} pickle per type that the reader and numpy load', () => {
    const r = generateRevisitopFeatures(join(tmp, 'gen'), { name: 'rparis6k', images: 400, types: ['r-gem-o', 'v-gem-w'], seed: 3 });
    expect(r.structure).toBe('generated');
    const gnd = readRevisitopGnd(r.gndFile);
    expect(gnd.imlist).toHaveLength(400);
    const f = readFeatureDict(r.featureFiles['v-gem-w']!, ['db', 'query'], { counts: { db: 400, query: 70 } });
    expect([f.db!.count, f.db!.dim, f.query!.count]).toEqual([400, 128, 70]);
    let n = 0;
    for (let d = 0; d < 128; d++) n += f.db!.data[d]! ** 2;
    expect(n).toBeCloseTo(1, 5);
    // same seed, same bytes
    const again = generateRevisitopFeatures(join(tmp, 'gen2'), { name: 'rparis6k', images: 400, types: ['v-gem-w'], seed: 3 });
    expect(readFileSync(again.featureFiles['v-gem-w']!)).toEqual(readFileSync(r.featureFiles['v-gem-w']!));
    const py = spawnSync('python3', ['-c', `import pickle,sys; d=pickle.load(open(sys.argv[1],'rb')); print(sorted(d), d['db'].shape, d['db'].dtype, d['query'].shape, round(float((d['db']**2).sum(0).mean()), 4))`, r.featureFiles['r-gem-o']!], { encoding: 'utf8' });
    if (py.status !== 0 || py.stdout === '') return console.log('skipped numpy check: python3 with numpy is not available');
    expect(py.stdout.trim()).toBe("['db', 'query'] (256, 400) float32 (256, 70) 1.0");
  });

  it('orders the feature types by quality (off-the-shelf < whitened < fine-tuned)', () => {
    const g = generateRevisitopGnd('roxford5k', { images: 600 });
    const s = revisitopStructure(g);
    const score = (id: string): number => {
      const f = generateRevisitopTypeFeatures(s, generatedFeatureType(id), { dataset: 'roxford5k' });
      return rPrecision(g, f.db, f.query, f.dim);
    };
    const [o, w, ft] = [score('r-gem-o'), score('r-gem-o-w'), score('r-gem')];
    expect(o).toBeLessThan(w);
    expect(w).toBeLessThan(ft);
    expect(ft).toBeLessThan(1);
  });

  it('makes R1M-style distractors as unit rows', () => {
    const d = generateDistractorFeatures(GENERATED_FEATURE_TYPES[0]!, 50);
    expect(d).toHaveLength(50 * 256);
    let n = 0;
    for (let k = 0; k < 256; k++) n += d[49 * 256 + k]! ** 2;
    expect(n).toBeCloseTo(1, 5);
  });
});

describe('generated rSfM120k-style training features', () => {
  it('writes the official metadata and {train, val} features with clusters', () => {
    const r = generateRsfmFeatures(join(tmp, 'rsfm'), { trainClusters: 12, valClusters: 4, clusterSize: [3, 6], seed: 1 });
    const meta = readRsfm120k(r.metadataFile);
    expect(meta.train.cluster).toEqual(r.clusters.train);
    expect(new Set(meta.train.cluster).size).toBe(12);
    expect(Math.min(...meta.val.cluster)).toBe(12);
    for (let i = 0; i < meta.train.qidxs.length; i++) expect(meta.train.cluster[meta.train.qidxs[i]!]).toBe(meta.train.cluster[meta.train.pidxs[i]!]);
    const f = readFeatureDict(r.featureFiles['r-gem']!, ['train', 'val'], { counts: { train: meta.train.cids.length, val: meta.val.cids.length } });
    // an image is closer to its own cluster than to the others, on average
    const { data, count, dim } = f.train!;
    let inS = 0;
    let inN = 0;
    let outS = 0;
    let outN = 0;
    for (let i = 0; i < count; i++) {
      for (let j = i + 1; j < count; j++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += data[i * dim + k]! * data[j * dim + k]!;
        if (meta.train.cluster[i] === meta.train.cluster[j]) {
          inS += s;
          inN++;
        } else {
          outS += s;
          outN++;
        }
      }
    }
    expect(inS / inN).toBeGreaterThan(outS / outN + 0.2);
  });
});

describe('rSfM120k-like cluster sizes', () => {
  it('draws heavy-tailed cluster sizes with the real train split mean', () => {
    const draw = clusterSizeSampler(RSFM_LIKE_CLUSTER_SIZES, new SeededRng(3));
    const a = Array.from({ length: 4000 }, draw);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(RSFM_LIKE_CLUSTER_SIZES.min);
    expect(Math.max(...a)).toBeLessThanOrEqual(RSFM_LIKE_CLUSTER_SIZES.max);
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    // RSFM120K_COUNTS: 91,642 / 551 = 166.3 per cluster; the law's clipped mean is 163.8, its standard error at 4,000 draws ~3.5
    expect(RSFM120K_COUNTS.train.images / RSFM120K_COUNTS.train.clusters).toBeCloseTo(166.3, 1);
    expect(Math.abs(mean - 163.8)).toBeLessThan(12);
    // heavy tail: the 99th percentile is several times the median
    const sorted = [...a].sort((x, y) => x - y);
    expect(sorted[3960]!).toBeGreaterThan(5 * sorted[2000]!);
    expect(clusterSizeTag(RSFM_LIKE_CLUSTER_SIZES)).toBe('ln100-1-5-2000');
    expect(clusterSizeTag([5, 40])).toBe('5-40');
  });
  it('generates clusters of those sizes, deterministically', () => {
    const law = { median: 8, sigma: 1, min: 3, max: 40 };
    const sizes = (dir: string): number[] => {
      const r = generateRsfmFeatures(join(tmp, dir), { trainClusters: 20, valClusters: 2, clusterSize: law, seed: 5, types: ['v-gem-w'] });
      const n = new Map<number, number>();
      for (const c of r.clusters.train) n.set(c, (n.get(c) ?? 0) + 1);
      return [...n.values()];
    };
    const a = sizes('rsfm-ln-a');
    expect(sizes('rsfm-ln-b')).toEqual(a);
    expect(a).toHaveLength(20);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...a)).toBeLessThanOrEqual(40);
    expect(new Set(a).size).toBeGreaterThan(5);
  });
});

describe('feature pickles: bad input', () => {
  const arr = (d: number, n: number, fill = 0.5): NumpyArray => new NumpyArray(new Float32Array(d * n).fill(fill), [d, n]);
  const parse = (v: Parameters<typeof encodePickle>[0]): ReturnType<typeof parsePickle> => parsePickle(encodePickle(v));
  const err = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };
  it('refuses anything but the expected dict of 2-D float arrays', () => {
    expect(err(() => featureDictFromPickle(parse([1, 2]), ['db', 'query'], { file: 'f.pkl' }))).toMatch(/f\.pkl: expected a dict of numpy arrays with keys 'db', 'query', got a list/);
    expect(err(() => featureDictFromPickle(parse({ db: arr(4, 3) }), ['db', 'query']))).toMatch(/no 'query'/);
    expect(err(() => featureDictFromPickle(parse({ db: arr(4, 3), query: [1, 2] }), ['db', 'query']))).toMatch(/'query' is a list, expected a 2-D float numpy array/);
    expect(err(() => featureDictFromPickle(parse({ db: new NumpyArray(new Int32Array(12), [4, 3]), query: arr(4, 2) }), ['db', 'query']))).toMatch(/dtype int32/);
    expect(err(() => featureDictFromPickle(parse({ db: arr(4, 3), query: arr(5, 2) }), ['db', 'query']))).toMatch(/dimension 5, 'db' has 4/);
    expect(err(() => featureDictFromPickle(parse({ db: arr(4, 3), query: arr(4, 2) }), ['db', 'query'], { counts: { db: 4 } }))).toMatch(/'db' holds 3 descriptors, the ground truth has 4 \(the other axis matches/);
    const nan = new Float32Array(12).fill(0.1);
    nan[1 * 3 + 2] = NaN; // element (1, 2) of the D x N array: component 1 of descriptor 2
    expect(err(() => featureDictFromPickle(parse({ db: new NumpyArray(nan, [4, 3]), query: arr(4, 2) }), ['db', 'query']))).toMatch(/'db': non-finite value at descriptor 2, component 1/);
  });
  it('reads rows layout and transposes columns', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2 x 3
    const cols = featureDictFromPickle(parse({ db: new NumpyArray(data, [2, 3]) }), ['db']);
    expect(Array.from(cols.db!.data)).toEqual([1, 4, 2, 5, 3, 6]);
    const rows = featureDictFromPickle(parse({ db: new NumpyArray(data, [2, 3]) }), ['db'], { layout: 'rows' });
    expect([rows.db!.count, rows.db!.dim]).toEqual([2, 3]);
    writeFileSync(join(tmp, 'x.pkl'), encodePickle({ db: new NumpyArray(data, [2, 3]) }));
    expect(readFeatureDict(join(tmp, 'x.pkl'), ['db']).db!.count).toBe(3);
  });
});
