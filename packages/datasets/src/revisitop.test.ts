import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRevisitopGnd } from './formats/revisitop-gnd';
import { parsePickle } from './formats/pickle';
import { writeNpy } from './formats/npy';
import { encodePickle, PlainTuple } from './pickle-writer';
import { cropQuery, loadRevisitopDataset, protocolLists, queryCropRect, readGlobalFeatures, readImageList, roundHalfEven } from './revisitop';
import { readRsfm120k, rsfmImagePath } from './rsfm120k';
import { thrown } from './__fixtures__/thrown';
import { sharedFiles } from '../../core/src/__fixtures__/shared';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-rop-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pickle writer', () => {
  it('round-trips plain data through the safe reader (Python 3 reads the same bytes; checked at authoring time)', () => {
    const v = parsePickle(encodePickle({ a: [1, 300, 70000, -5, 2 ** 40, 1.5], s: 'héllo', t: new PlainTuple([true, null]), f: new Float64Array([2, 0.25]) }));
    const m = v as Map<string, unknown>;
    expect(m.get('a')).toEqual([1, 300, 70000, -5, 2 ** 40, 1.5]);
    expect(m.get('s')).toBe('héllo');
    expect(m.get('f')).toEqual([2, 0.25]);
  });
});

describe('revisitop dataset layout (generated)', () => {
  let root: string;
  beforeAll(() => {
    root = join(tmp, 'data');
    mkdirSync(join(root, 'rtoy'), { recursive: true });
    const gnd = {
      imlist: ['a', 'b', 'c', 'd'],
      qimlist: ['q0', 'q1'],
      gnd: [
        { bbx: [1.5, 0.5, 3.5, 2.5], easy: [0], hard: [1, 2], junk: [3] },
        { bbx: [0, 0, 2, 2], easy: [], hard: [3], junk: [] },
      ],
    };
    writeFileSync(join(root, 'rtoy', 'gnd_rtoy.pkl'), encodePickle(gnd));
  });
  it('loads gnd, paths and protocol lists', () => {
    const ds = loadRevisitopDataset(root, 'rtoy');
    expect(ds.gnd.imlist).toHaveLength(4);
    expect(ds.imagePath(2)).toBe(join(root, 'rtoy', 'jpg', 'c.jpg'));
    expect(ds.queryImagePath(1)).toBe(join(root, 'rtoy', 'jpg', 'q1.jpg'));
    expect(protocolLists(ds.gnd.gnd[0]!, 'easy')).toEqual({ ok: [0], junk: [3, 1, 2] });
    expect(protocolLists(ds.gnd.gnd[0]!, 'medium')).toEqual({ ok: [0, 1, 2], junk: [3] });
    expect(protocolLists(ds.gnd.gnd[0]!, 'hard')).toEqual({ ok: [1, 2], junk: [3, 0] });
    expect(thrown(() => loadRevisitopDataset(root, 'nope')).message).toMatch(/gnd_nope\.pkl: missing ground truth/);
  });
  it('crops queries as PIL does (round half to even, end-exclusive, zero padding) and as MATLAB (inclusive)', () => {
    // PIL 9.4 at authoring time: Image.crop((136.5, 34.1, 648.5, 955.7)).size == (512, 922);
    // crop((137.5, 0, 139.5, 10)).size == (2, 10); crop((8, 8, 12, 12)) of a 10x10 image pads with 0.
    expect(queryCropRect([136.5, 34.1, 648.5, 955.7])).toEqual([136, 34, 648, 956]);
    expect(queryCropRect([137.5, 0, 139.5, 10])).toEqual([138, 0, 140, 10]);
    expect(queryCropRect([136.5, 34.1, 648.5, 955.7], 'matlab')).toEqual([136, 34, 649, 957]);
    expect([0.5, 1.5, 2.5, -0.5].map(roundHalfEven)).toEqual([0, 2, 2, 0]);
    const img = { width: 10, height: 10, channels: 1 as const, data: new Uint8Array(100).fill(7) };
    const c = cropQuery(img, [8, 8, 12, 12]);
    expect([c.width, c.height]).toEqual([4, 4]);
    expect(Array.from(c.data.subarray(0, 4))).toEqual([7, 7, 0, 0]);
    expect(() => queryCropRect([5, 5, 5.2, 9])).toThrow(/empty query box/);
  });
  it('global features: float32/float16, rows or columns, count checks', () => {
    const f = join(tmp, 'db.npy');
    writeNpy(f, { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] });
    const r = readGlobalFeatures(f, { count: 3, dim: 2 });
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const c = readGlobalFeatures(f, { layout: 'columns', count: 2 });
    expect(c.dim).toBe(3);
    expect(Array.from(c.data)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(thrown(() => readGlobalFeatures(f, { count: 2 })).message).toMatch(/db\.npy: 3 descriptors, expected 2 \(the other axis matches: use layout columns\)/);
    const h = join(tmp, 'h.npy');
    writeNpy(h, { data: Float32Array.from([0.5, -2, 1024, 0]), shape: [2, 2], dtype: 'float16' });
    expect(Array.from(readGlobalFeatures(h).data)).toEqual([0.5, -2, 1024, 0]);
    const i = join(tmp, 'i.npy');
    writeNpy(i, { data: Int32Array.from([1, 2]), shape: [1, 2] });
    expect(thrown(() => readGlobalFeatures(i)).message).toMatch(/must be float16\/32\/64, got int32/);
  });
  it('R1M-style image lists refuse escaping paths', () => {
    const f = join(tmp, 'list.txt');
    writeFileSync(f, 'a/b.jpg\nc.jpg\n');
    expect(readImageList(f)).toEqual(['a/b.jpg', 'c.jpg']);
    writeFileSync(f, 'a/b.jpg\n../x.jpg\n');
    expect(thrown(() => readImageList(f)).message).toMatch(/list\.txt:2: image name must be a relative path/);
  });
  it('rSfM120k metadata', () => {
    const f = join(tmp, 'rsfm.pkl');
    const split = (n: number) => ({ cids: Array.from({ length: n }, (_, i) => `abcdef${i}0`), cluster: Array.from({ length: n }, (_, i) => i >> 1), qidxs: [0, 2], pidxs: [1, 3] });
    writeFileSync(f, encodePickle({ train: split(6), val: split(4) }));
    const r = readRsfm120k(f);
    expect(r.train.cids).toHaveLength(6);
    expect(Array.from(r.val.pidxs)).toEqual([1, 3]);
    expect(rsfmImagePath('/ims', 'abcdef12')).toBe(join('/ims', '12', 'ef', 'cd', 'abcdef12'));
    writeFileSync(f, encodePickle({ train: split(6), val: { ...split(4), pidxs: [1, 9] } }));
    expect(thrown(() => readRsfm120k(f)).message).toMatch(/split val: "pidxs"\[1\] = 9 outside 0\.\.3/);
    writeFileSync(f, encodePickle({ train: split(6) }));
    expect(thrown(() => readRsfm120k(f)).message).toMatch(/val/);
  });
});

const shared = sharedFiles('real revisitop ground-truth totals', ['data/revisitop/gnd_roxford5k.pkl', 'data/revisitop/gnd_rparis6k.pkl']);
shared.describe('real revisitop ground truth', () => {
  // Totals computed at authoring time with python3 pickle.load over all 70 queries.
  it.each([
    ['roxford5k', 70, 4993, 3029, 2497, 1356, 'all_souls_000013', [136.5, 34.1, 648.5, 955.7]],
    ['rparis6k', 70, 6322, 6874, 10350, 7153, 'paris_defense_000605', [130, 17, 843, 732]],
  ] as const)('%s: %i queries, %i images, easy/hard/junk totals', (name, nq, n, easy, hard, junk, q0, bbx) => {
    const g = readRevisitopGnd(shared.path(`data/revisitop/gnd_${name}.pkl`));
    expect(g.qimlist).toHaveLength(nq);
    expect(g.imlist).toHaveLength(n);
    expect(g.qimlist[0]).toBe(q0);
    expect(g.gnd[0]!.bbx).toEqual(bbx);
    const sum = (k: 'easy' | 'hard' | 'junk'): number => g.gnd.reduce((s, q) => s + q[k].length, 0);
    expect([sum('easy'), sum('hard'), sum('junk')]).toEqual([easy, hard, junk]);
    const medium = g.gnd.reduce((s, q) => s + protocolLists(q, 'medium').ok.length, 0);
    expect(medium).toBe(easy + hard);
  });
});
