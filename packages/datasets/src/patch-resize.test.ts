import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resizePatches } from './patch-resize';
import { decodeBmp8 } from './bmp';
import { sharedFiles } from '../../core/src/__fixtures__/shared';
import { opencvResizeCases } from './__fixtures__/opencv-resize-inputs';
import opencvFixture from './__fixtures__/opencv-resize.json';

/** The LCG the fixture script used (x = (1103515245 x + 12345) mod 2^31, byte = (x >> 16) & 255). */
function lcgBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt(seed);
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245n + 12345n) % 2147483648n;
    out[i] = Number((x >> 16n) & 255n);
  }
  return out;
}
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// Expected values were produced once at authoring time by Pillow 9.4.0:
//   np.stack([np.array(Image.fromarray(p, 'L').resize((to, to), Image.BILINEAR)) for p in src])
// on 16 LCG noise patches (seed 7), and on the 256 patches of a real UBC tile.
describe('resizePatches pil-antialias (bit-exact with Pillow)', () => {
  it('64 -> 32 on noise patches', () => {
    const src = lcgBytes(16 * 64 * 64, 7);
    const out = resizePatches(src, 16, 64, 32, 'pil-antialias');
    expect(Array.from(out.subarray(0, 6))).toEqual([103, 122, 100, 107, 122, 122]);
    expect(sha(out)).toBe('1ad60af6f7b40e3ab1d3b3c9e173b96590aafd6a71421a367c960184ed6e87c8');
  });
  it('65 -> 32 on noise patches (HPatches size)', () => {
    const src = lcgBytes(16 * 65 * 65, 7);
    const out = resizePatches(src, 16, 65, 32, 'pil-antialias');
    expect(Array.from(out.subarray(0, 6))).toEqual([110, 123, 98, 110, 114, 141]);
    expect(sha(out)).toBe('b0667aa6847079c3ed0a4c0d6ec07e44128b0006a698a438221927432050a307');
  });
});

describe('resizePatches box2x2 (OpenCV INTER_LINEAR at exactly 2x)', () => {
  it('is the 2x2 mean rounded half up', () => {
    const src = new Uint8Array(4 * 4);
    // top-left block sums to 2 (mean 0.5 -> 1), top-right 5 (1.25 -> 1), bottom-left 6 (1.5 -> 2), bottom-right 1020 (255)
    src.set([0, 1, 1, 1], 0);
    src.set([1, 0, 1, 2], 4);
    src.set([1, 2, 255, 255], 8);
    src.set([1, 2, 255, 255], 12);
    expect(Array.from(resizePatches(src, 1, 4, 2, 'box2x2'))).toEqual([1, 1, 2, 255]);
  });
  it('matches cv2.resize(p, (32, 32), INTER_LINEAR) of OpenCV 4.6 on noise patches', () => {
    // sha256 computed at authoring time with python3-opencv 4.6.0 on the same 16 LCG patches (seed 7);
    // numpy's round-half-even of the mean differs from it at ~1 in 8 pixels.
    const out = resizePatches(lcgBytes(16 * 64 * 64, 7), 16, 64, 32, 'box2x2');
    expect(sha(out)).toBe('97c2d4402c1a93558c0185d0c8a48cac8d91d728fa3595e3c928e54f9c4a8df1');
  });
  it('refuses a size that is not an exact half', () => {
    expect(() => resizePatches(new Uint8Array(65 * 65), 1, 65, 32, 'box2x2')).toThrow(RangeError);
  });
  it('differs from pil-antialias on real-looking data', () => {
    const src = lcgBytes(64 * 64, 3);
    expect(sha(resizePatches(src, 1, 64, 32, 'box2x2'))).not.toBe(sha(resizePatches(src, 1, 64, 32, 'pil-antialias')));
  });
});

const shared = sharedFiles('pil-antialias resize of a real UBC tile', ['data/phototour/notredame-sample/patches0000.bmp']);
shared.describe('pil-antialias on a real UBC tile', () => {
  it('matches Pillow crop+resize of all 256 patches of notredame tile 0', () => {
    const file = shared.path('data/phototour/notredame-sample/patches0000.bmp');
    const px = decodeBmp8(readFileSync(file), file).pixels;
    const cut = new Uint8Array(256 * 64 * 64);
    for (let k = 0; k < 256; k++) {
      const r = Math.floor(k / 16);
      const c = k % 16;
      for (let y = 0; y < 64; y++) cut.set(px.subarray((r * 64 + y) * 1024 + c * 64, (r * 64 + y) * 1024 + c * 64 + 64), (k * 64 + y) * 64);
    }
    expect(sha(resizePatches(cut, 256, 64, 32, 'pil-antialias'))).toBe('16411c7062b7599c64407d4401d85bd2da18c72831593c2489c47cc7ad156f52');
  });
});

// `scripts/opencv_resize_fixture.py` (OpenCV 4.6, `cv2.resize(p, (to, to))`, INTER_LINEAR) on the
// inputs of `__fixtures__/opencv-resize-inputs.ts`: generated HPatches patches and seeded noise.
describe('resizePatches opencv-linear (bit-exact with cv2.resize INTER_LINEAR)', () => {
  const cases = opencvResizeCases();
  it.each(opencvFixture.cases.map((c) => [c.name, c] as const))('%s', (name, want) => {
    const c = cases.find((x) => x.name === name)!;
    expect({ from: c.from, to: c.to, n: c.n, input: sha(c.data) }).toEqual({ from: want.from, to: want.to, n: want.n, input: want.input_sha256 });
    const out = resizePatches(c.data, c.n, c.from, c.to, 'opencv-linear');
    expect(Array.from(out.subarray(0, 16))).toEqual(want.head);
    expect(sha(out)).toBe(want.output_sha256);
  });
  it('differs from pil-antialias at 65 -> 32', () => {
    const c = cases[0]!;
    const a = resizePatches(c.data, c.n, 65, 32, 'opencv-linear');
    const b = resizePatches(c.data, c.n, 65, 32, 'pil-antialias');
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  });
});
