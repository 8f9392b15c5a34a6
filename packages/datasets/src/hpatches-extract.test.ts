import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HPATCHES_JITTER, extractHPatches, extractHPatchesRelease, medianJitterOverlap, writeHPatchesSequence } from './hpatches-extract';
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { makeSceneTexture, sampleTexture } from './synthetic-texture';
import { loadHPatchesSequence } from './hpatches';
import { loadHPatchesImageSequence } from './hpatches-sequences';
import { patchAt, type PatchSet } from './ubc-phototour';
import { detectDog } from './dog-detector';
import { sharedFiles } from '../../core/src/__fixtures__/shared';

function ncc(a: Uint8Array, b: Uint8Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb + 1e-9);
}
const meanNcc = (x: PatchSet, y: PatchSet, shift = 0): number => {
  let s = 0;
  for (let i = 0; i < x.count; i++) s += ncc(patchAt(x, i), patchAt(y, (i + shift) % y.count));
  return s / x.count;
};

describe('HPatches jitter levels', () => {
  it('give the stated median overlaps (e ~0.85, h ~0.72 from the README; t 0.6 our choice)', () => {
    for (const lv of ['e', 'h', 't'] as const) {
      expect(Math.abs(medianJitterOverlap(HPATCHES_JITTER[lv], 2000, 1) - HPATCHES_JITTER[lv].targetOverlap)).toBeLessThan(0.02);
    }
  });
});

describe('DoG detector', () => {
  it('finds a blob at its centre and scale', () => {
    const w = 96;
    const px = new Uint8Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) px[y * w + x] = Math.round(40 + 180 * Math.exp(-((x - 50) ** 2 + (y - 40) ** 2) / (2 * 6 * 6)));
    const [k] = detectDog({ width: w, height: w, pixels: px }, { maxKeypoints: 1 });
    expect(k!.x).toBeCloseTo(50, -0.5);
    expect(k!.y).toBeCloseTo(40, -0.5);
    // A Gaussian blob of std s has its DoG extremum near sigma = s (within the 2^(1/3) scale sampling)
    expect(k!.sigma).toBeGreaterThan(6 / 1.5);
    expect(k!.sigma).toBeLessThan(6 * 1.5);
  });
});

describe('extractHPatchesRelease on a generated sequences folder', () => {
  it('writes one release folder per sequence, atomically, and resumes', () => {
    const root = mkdtempSync(join(tmpdir(), 'descbench-hpr-'));
    try {
      const seqDir = join(root, 'seq', 'v_toy');
      mkdirSync(seqDir, { recursive: true });
      const tex = makeSceneTexture(4, 256);
      const W = 200;
      for (let k = 1; k <= 6; k++) {
        const dx = 3 * (k - 1);
        const px = Buffer.alloc(W * W);
        // image k shows the texture shifted by dx: x_k = x_1 + dx, so H_1_k is a translation
        for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) px[y * W + x] = Math.round(sampleTexture(tex, x - dx + 20, y + 20));
        writeFileSync(join(seqDir, `${k}.ppm`), Buffer.concat([Buffer.from(`P5\n${W} ${W}\n255\n`), px]));
        if (k >= 2) writeFileSync(join(seqDir, `H_1_${k}`), `1 0 ${dx}\n0 1 0\n0 0 1\n`);
      }
      const out = join(root, 'release');
      expect(extractHPatchesRelease(join(root, 'seq'), out, { maxPatches: 6, progress: false })).toEqual(['v_toy']);
      expect(readdirSync(out)).toEqual(['v_toy']);
      const seq = loadHPatchesSequence(join(out, 'v_toy'));
      expect(seq.count).toBeGreaterThan(0);
      expect(meanNcc(seq.images.get('ref')!, seq.images.get('e5')!)).toBeGreaterThan(0.5);
      const t = statSync(join(out, 'v_toy', 'ref.png')).mtimeMs;
      extractHPatchesRelease(join(root, 'seq'), out, { maxPatches: 6, progress: false });
      expect(statSync(join(out, 'v_toy', 'ref.png')).mtimeMs).toBe(t);
      // a sequence gets the same patches whether extracted alone or among others
      cpSync(seqDir, join(root, 'seq', 'v_aaa'), { recursive: true });
      const out2 = join(root, 'release2');
      expect(extractHPatchesRelease(join(root, 'seq'), out2, { maxPatches: 6, progress: false })).toEqual(['v_aaa', 'v_toy']);
      for (const im of ['ref', 'e1', 't5']) expect(readFileSync(join(out2, 'v_toy', `${im}.png`))).toEqual(readFileSync(join(out, 'v_toy', `${im}.png`)));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

const shared = sharedFiles('HPatches extraction from the real v_churchill sequence', ['data/hpatches/sequences/v_churchill']);
shared.describe('extraction from the real v_churchill sequence', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'descbench-hpx-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  it('gives corresponding patches in e/h/t, deterministic, written in the release format', () => {
    const seq = loadHPatchesImageSequence(shared.path('data/hpatches/sequences/v_churchill'));
    const ex = extractHPatches(seq, { maxPatches: 40, seed: 3 });
    const n = ex.keypoints.length;
    expect(n).toBeGreaterThanOrEqual(20);
    expect(n).toBeLessThanOrEqual(40);
    expect(ex.images.size).toBe(16);
    const ref = ex.images.get('ref')!;
    // Image 2 (e1/h1/t1) is a mild viewpoint change: corresponding patches correlate, more so
    // with less jitter, and far more than non-corresponding ones.
    const e = meanNcc(ref, ex.images.get('e1')!);
    const h = meanNcc(ref, ex.images.get('h1')!);
    const t = meanNcc(ref, ex.images.get('t1')!);
    const wrong = meanNcc(ref, ex.images.get('e1')!, 7);
    expect(e).toBeGreaterThan(0.5);
    expect(e).toBeGreaterThan(h);
    expect(h).toBeGreaterThan(t);
    expect(wrong).toBeLessThan(0.2);
    const again = extractHPatches(seq, { maxPatches: 40, seed: 3, keypoints: ex.keypoints });
    expect(Buffer.compare(Buffer.from(again.images.get('h5')!.data), Buffer.from(ex.images.get('h5')!.data))).toBe(0);
    const dir = writeHPatchesSequence(tmp, 'v_churchill', ex.images);
    const back = loadHPatchesSequence(dir);
    expect(back.count).toBe(n);
    expect(Buffer.compare(Buffer.from(back.images.get('t3')!.data), Buffer.from(ex.images.get('t3')!.data))).toBe(0);
  });
});
