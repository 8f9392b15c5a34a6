import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '@descbench/core';
import { decodeBmp8, encodeBmp8 } from './bmp';
import { listUbcTiles, loadUbcDataset, loadUbcPatches, patchAt, readUbcInfo, readUbcInterest, readUbcPairs, readUbcTile } from './ubc-phototour';
import { PointPairSampler } from './ubc-sampler';
import { resizePatches } from './patch-resize';
import { thrown } from './__fixtures__/thrown';
import { sharedFiles } from '../../core/src/__fixtures__/shared';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-ubc-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A tile whose patch k has every pixel = (k + tileIndex) & 255 except pixel (y, x) = y ^ x. */
function tile(t: number): Uint8Array {
  const px = new Uint8Array(1024 * 1024);
  for (let y = 0; y < 1024; y++)
    for (let x = 0; x < 1024; x++) {
      const k = Math.floor(y / 64) * 16 + Math.floor(x / 64);
      px[y * 1024 + x] = x % 64 === 1 ? (y % 64) ^ (x % 64) : (k + t) & 255;
    }
  return px;
}

describe('BMP decoding and validation', () => {
  it('round-trips a gray image, top row first', () => {
    const px = new Uint8Array(6 * 3).map((_, i) => i * 7);
    const img = decodeBmp8(encodeBmp8({ width: 6, height: 3, pixels: px }));
    expect(img.width).toBe(6);
    expect(Array.from(img.pixels)).toEqual(Array.from(px));
  });
  it('truncated file -> InputError with file and byte offset', () => {
    const buf = encodeBmp8({ width: 1024, height: 1024, pixels: tile(0) });
    const f = join(tmp, 'trunc.bmp');
    writeFileSync(f, buf.subarray(0, 500000));
    const e = thrown(() => readUbcTile(f));
    expect(isInputError(e)).toBe(true);
    expect(e.message).toContain(f);
    expect(e.message).toContain('byte 500000');
  });
  it('refuses 24-bit, wrong size and non-gray palettes', () => {
    const buf = encodeBmp8({ width: 1024, height: 1024, pixels: tile(0) });
    const b24 = Uint8Array.from(buf);
    b24[28] = 24;
    expect(thrown(() => decodeBmp8(b24, 'x.bmp')).message).toMatch(/x\.bmp, byte 28: .*24 bits/);
    const col = Uint8Array.from(buf);
    col[14 + 40 + 4 * 9 + 2] = 200; // red of entry 9
    expect(thrown(() => decodeBmp8(col, 'c.bmp')).message).toMatch(/palette entry 9 is not gray/);
    const small = join(tmp, 'small.bmp');
    writeFileSync(small, encodeBmp8({ width: 512, height: 1024, pixels: new Uint8Array(512 * 1024) }));
    expect(thrown(() => readUbcTile(small)).message).toMatch(/512x1024, expected 1024x1024/);
    expect(thrown(() => decodeBmp8(new Uint8Array([1, 2, 3]), 'z.bmp')).message).toMatch(/z\.bmp, byte 3: truncated/);
  });
});

describe('UBC subset folder (generated)', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(tmp, 'sub');
    require('node:fs').mkdirSync(dir);
    for (let t = 0; t < 2; t++) writeFileSync(join(dir, `patches000${t}.bmp`), encodeBmp8({ width: 1024, height: 1024, pixels: tile(t) }));
    // 300 patches, points of 3 patches each
    writeFileSync(join(dir, 'info.txt'), Array.from({ length: 300 }, (_, i) => `${Math.floor(i / 3)} 0`).join('\n') + '\n');
    writeFileSync(join(dir, 'm50_100000_100000_0.txt'), '0 0 0 1 0 0 0\n5 1 0 200 66 0 0\n299 99 0 3 1 0 0\n');
  });

  it('cuts patches row-major, patch n in tile n/256', () => {
    const ds = loadUbcDataset(dir, { progress: false });
    expect(ds.patches.count).toBe(300);
    expect(ds.pointIds[299]).toBe(99);
    const p = patchAt(ds.patches, 257); // tile 1, k = 1 -> value (1 + 1) & 255
    expect(p[0]).toBe(2);
    expect(p[5 * 64 + 1]).toBe(5 ^ 1);
    expect(patchAt(ds.patches, 17)[3]).toBe(17);
    expect(Array.from(ds.pairs!.label)).toEqual([1, 0, 0]);
    expect(Array.from(ds.pairs!.patch2)).toEqual([1, 200, 3]);
  });
  it('downsamples to 32 under both conventions', () => {
    const a = loadUbcPatches(dir, { size: 32, resize: 'box2x2', count: 300, progress: false });
    const b = loadUbcPatches(dir, { size: 32, resize: 'pil-antialias', count: 300, progress: false });
    expect(a.data.length).toBe(300 * 1024);
    expect(patchAt(a, 20)[10 * 32 + 5]).toBe(20); // flat region
    expect(patchAt(b, 20)[10 * 32 + 5]).toBe(20);
    expect(sha(a.data)).not.toBe(sha(b.data));
    // the fused tile path gives exactly resizePatches(64x64 patches, 'box2x2')
    const full = loadUbcPatches(dir, { count: 300, progress: false });
    expect(sha(a.data)).toBe(sha(resizePatches(full.data, 300, 64, 32, 'box2x2')));
    expect(sha(b.data)).toBe(sha(resizePatches(full.data, 300, 64, 32, 'pil-antialias')));
  });
  it('bad info/pairs lines name file:line', () => {
    const info = join(tmp, 'info-bad.txt');
    writeFileSync(info, '0 0\n1 0\nx 0\n');
    expect(thrown(() => readUbcInfo(info)).message).toBe(`${info}:3, column "0": not an integer: "x"`);
    const pairs = join(tmp, 'pairs-bad.txt');
    writeFileSync(pairs, '0 0 0 1 0 0 0\n1 2 3\n');
    expect(thrown(() => readUbcPairs(pairs)).message).toMatch(new RegExp(`${pairs}:2: expected at least 5 columns`));
    writeFileSync(pairs, '0 0 0 1 0 0 0\n1 2 0 1e3 2 0 0\n');
    expect(thrown(() => readUbcPairs(pairs)).message).toMatch(/:2, column "3": not an integer/);
    writeFileSync(pairs, '0 0 0 1 0 0 0\n\n1 2 0 1 2 0 0\n');
    expect(thrown(() => readUbcPairs(pairs)).message).toMatch(/:2: empty line/);
    writeFileSync(pairs, '0 0 0 1 0 0 0\n1 2 0 300 2 0 0\n');
    expect(thrown(() => readUbcPairs(pairs, { numPatches: 300 })).message).toMatch(/:2, column "3": patch id 300 outside 0\.\.299/);
    const interest = join(tmp, 'interest.txt');
    writeFileSync(interest, '3 10.5 20.25 0.5 1.5\n4 1 2 3\n');
    expect(thrown(() => readUbcInterest(interest)).message).toMatch(/interest\.txt:2: expected at least 5 columns/);
    writeFileSync(interest, '3 10.5 20.25 0.5 1.5 0\n');
    expect(readUbcInterest(interest).y[0]).toBe(20.25);
  });
  it('info.txt with more patches than the tiles hold is refused', () => {
    const d2 = join(tmp, 'sub2');
    require('node:fs').mkdirSync(d2);
    copyFileSync(join(dir, 'patches0000.bmp'), join(d2, 'patches0000.bmp'));
    writeFileSync(join(d2, 'info.txt'), Array.from({ length: 257 }, () => '0 0').join('\n'));
    expect(thrown(() => loadUbcDataset(d2, { progress: false })).message).toMatch(/257 patches requested but 1 tiles hold at most 256/);
  });
  it('the sampler draws distinct points, two distinct patches each, deterministically', () => {
    const ids = readUbcInfo(join(dir, 'info.txt'));
    const s1 = new PointPairSampler(ids, 32, 5);
    const s2 = new PointPairSampler(ids, 32, 5);
    for (let b = 0; b < 10; b++) {
      const x = s1.next();
      const y = s2.next();
      expect(Array.from(x.anchors)).toEqual(Array.from(y.anchors));
      expect(new Set(x.points).size).toBe(32);
      for (let i = 0; i < 32; i++) {
        expect(x.anchors[i]).not.toBe(x.positives[i]);
        expect(ids[x.anchors[i]!]).toBe(x.points[i]);
        expect(ids[x.positives[i]!]).toBe(x.points[i]);
      }
    }
    expect(Array.from(new PointPairSampler(ids, 32, 6).next().anchors)).not.toEqual(Array.from(new PointPairSampler(ids, 32, 5).next().anchors));
    expect(() => new PointPairSampler(ids, 101, 1)).toThrow(/only 100 3D points/);
  });
});

const shared = sharedFiles('decoding the real notredame UBC tiles', ['data/phototour/notredame-sample']);
shared.describe('real notredame sample (8 tiles)', () => {
  // Computed at authoring time by python3 reading the raw BMP bytes with struct/numpy
  // (pixel array at the header's offset, rows flipped bottom-up -> top-down): sha256 of the
  // 1024x1024 pixels, their sum, and the sum of patch 37 (row 2, column 5) of each tile.
  const expected: [string, number, number][] = [
    ['b7476afa9bd9a61d15a9caadfa83792fd2f61dee7f90598bbaaf06c05757bb13', 120790134, 348339],
    ['b4c85be3578f29e0b04d6a8c6b2a3a317917fa8976323ea745e243cc1580dc4b', 113969041, 495678],
    ['26c7ba8ced96facf4c7f7a364c0621452621fc0028a43ab35ce558995f33587d', 121554134, 704395],
    ['82f477ddb43bd2f1ca2aa4bb5e891d39b99bcafb929e525629938ebb09b1a643', 115698319, 357848],
    ['47e2e52b0a16519738dc872f778aabfa3fe9cf8d71ec9aabc5a556a6cfbb2b2e', 126590581, 522548],
    ['e470f0fa67bf238dc892a865c530a40cb9082c892d5cb29254375e16ccd8c133', 107656872, 442894],
    ['a8843f85ac33290d8f6fc61af4a496d7bf2cab811270b9c1b95edeed9381568b', 111015884, 630506],
    ['f9abc8ad5e8ef1044ae28e87ec6b3b529f41a3344e00db23bc72444a76d8ac8c', 123747694, 508465],
  ];
  it('decodes 8 tiles into 2,048 patches with the independent checksums', () => {
    const dir = shared.path('data/phototour/notredame-sample');
    const tiles = listUbcTiles(dir);
    expect(tiles).toHaveLength(8);
    tiles.forEach((f, t) => {
      const px = decodeBmp8(readFileSync(f), f).pixels;
      expect(sha(px)).toBe(expected[t]![0]);
    });
    const set = loadUbcPatches(dir, { progress: false });
    expect(set.count).toBe(2048);
    for (let t = 0; t < 8; t++) {
      let total = 0;
      for (let k = 0; k < 256; k++) for (const v of patchAt(set, t * 256 + k)) total += v;
      expect(total).toBe(expected[t]![1]);
      expect(patchAt(set, t * 256 + 37).reduce((s, v) => s + v, 0)).toBe(expected[t]![2]);
    }
  });
});
