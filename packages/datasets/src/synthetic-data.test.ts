import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticHPatches } from './synthetic-hpatches';
import { generateSyntheticRevisitop } from './synthetic-revisitop';
import { checkPatchList, loadHPatchesRelease, loadHPatchesSequence, readHPatchesPatchList, readHPatchesSplits, HPATCHES_IMAGES } from './hpatches';
import { loadRevisitopDataset, protocolLists, readGlobalFeatures, readRevisitopFeatures, type RevisitopProtocol } from './revisitop';
import { patchAt } from './ubc-phototour';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-syn-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function mad(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe('generated HPatches data', () => {
  it('has the release layout, splits and task lists; jitter grows e < h < t', () => {
    const r = generateSyntheticHPatches(join(tmp, 'hp'), { sequences: 4, patches: 20, seed: 1 });
    expect(readdirSync(tmp)).toEqual(['hp']);
    expect(r.sequences).toEqual(['i_gen000', 'v_gen001', 'i_gen002', 'v_gen003']);
    const splits = readHPatchesSplits(join(r.tasksDir, 'splits.json'));
    expect(splits.get('full')!.test).toHaveLength(4);
    expect(splits.get('a')!.test.length + splits.get('a')!.train!.length).toBe(4);
    const test = loadHPatchesRelease(r.releaseDir, { sequences: splits.get('a')!.test, images: ['ref', 'e1'] });
    expect([...test.keys()]).toEqual(splits.get('a')!.test);
    expect(() => loadHPatchesRelease(r.releaseDir, { sequences: ['v_missing'] })).toThrow(/v_missing: sequence v_missing is not in the patch release/);
    const counts = new Map<string, number>();
    const seqs = r.sequences.map((s) => loadHPatchesSequence(join(r.releaseDir, s)));
    seqs.forEach((s) => counts.set(s.name, s.count));
    expect(seqs[1]!.images.size).toBe(HPATCHES_IMAGES.length);
    const q = join(r.tasksDir, 'retr_queries_split-a.csv');
    checkPatchList(readHPatchesPatchList(q), counts, q);
    const d = join(r.tasksDir, 'retr_distractors_split-a.csv');
    checkPatchList(readHPatchesPatchList(d), counts, d);
    // On the viewpoint sequence, mean absolute difference to the ref patch grows with the jitter level.
    const v = seqs[1]!;
    const err = (lv: string): number => {
      let s = 0;
      for (let k = 1; k <= 5; k++) for (let i = 0; i < v.count; i++) s += mad(patchAt(v.images.get('ref')!, i), patchAt(v.images.get(`${lv}${k}`)!, i));
      return s;
    };
    expect(err('e')).toBeLessThan(err('h'));
    expect(err('h')).toBeLessThan(err('t'));
  });
});

/** Mean AP over queries with revisitop's junk handling (a small reference for this test only). */
function meanAp(db: Float32Array, qs: Float32Array, D: number, gnd: { easy: number[]; hard: number[]; junk: number[]; bbx: number[] }[], p: RevisitopProtocol): number {
  const N = db.length / D;
  let total = 0;
  let nq = 0;
  gnd.forEach((g, q) => {
    const { ok, junk } = protocolLists(g, p);
    if (ok.length === 0) return;
    const sims = Array.from({ length: N }, (_, i) => {
      let s = 0;
      for (let k = 0; k < D; k++) s += db[i * D + k]! * qs[q * D + k]!;
      return [s, i] as const;
    }).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    const okS = new Set(ok);
    const junkS = new Set(junk);
    let rank = 0;
    let found = 0;
    let ap = 0;
    for (const [, i] of sims) {
      if (junkS.has(i)) continue;
      if (okS.has(i)) {
        const p0 = rank === 0 ? 1 : found / rank;
        const p1 = (found + 1) / (rank + 1);
        ap += (p0 + p1) / 2;
        found++;
      }
      rank++;
    }
    total += ap / ok.length;
    nq++;
  });
  return total / nq;
}

describe('generated revisitop data', () => {
  it('official gnd pickle + features; difficulty controls mAP', () => {
    const maps = [0.05, 0.9].map((difficulty) => {
      const r = generateSyntheticRevisitop(join(tmp, `rop-${difficulty}`), { images: 300, queries: 12, dim: 32, distractors: 50, difficulty, seed: 2 });
      const ds = loadRevisitopDataset(join(tmp, `rop-${difficulty}`), 'rsynth');
      expect(ds.gnd.qimlist).toHaveLength(12);
      const db = readGlobalFeatures(r.featureFiles.db, { count: ds.gnd.imlist.length, dim: 32 });
      const qs = readGlobalFeatures(r.featureFiles.queries, { count: 12, dim: 32 });
      expect(readGlobalFeatures(r.featureFiles.distractors!).count).toBe(50);
      const all = readRevisitopFeatures(ds, r.featureFiles);
      expect(all.distractors!.dim).toBe(32);
      expect(() => readRevisitopFeatures(ds, { db: r.featureFiles.queries, queries: r.featureFiles.queries })).toThrow(/queries\.npy: 12 descriptors, expected 300/);
      return { easy: meanAp(db.data, qs.data, 32, ds.gnd.gnd, 'easy'), hard: meanAp(db.data, qs.data, 32, ds.gnd.gnd, 'hard'), medium: meanAp(db.data, qs.data, 32, ds.gnd.gnd, 'medium') };
    });
    expect(maps[0]!.medium).toBeGreaterThan(maps[1]!.medium + 0.1);
    expect(maps[0]!.easy).toBeGreaterThan(maps[0]!.hard);
    expect(maps[0]!.easy).toBeLessThanOrEqual(1);
  });
});
