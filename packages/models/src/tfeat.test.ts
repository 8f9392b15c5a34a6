/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { readFileSync } from 'node:fs';
import { useTfjsBackend } from './backends/tfjs';
import { createModel } from './registry';
import { sharedFiles } from '../../core/src/__fixtures__/shared';

/** First `n` 64x64 patches of an 8-bit UBC tile, 2x2 box mean, /255 (the golden file's stated preprocessing). */
function tilePatches32(file: string, n: number): Float32Array {
  const b = readFileSync(file);
  if (b.toString('latin1', 0, 2) !== 'BM' || b.readUInt16LE(28) !== 8) throw new Error(`${file}: expected an 8-bit BMP`);
  const off = b.readUInt32LE(10);
  const w = b.readInt32LE(18);
  const h = b.readInt32LE(22);
  const stride = Math.ceil(w / 4) * 4;
  // 8-bit palette of a UBC tile is the identity grey ramp; bottom-up rows when h > 0
  const px = (x: number, y: number): number => b[off + (h > 0 ? Math.abs(h) - 1 - y : y) * stride + x]!;
  const out = new Float32Array(n * 32 * 32);
  for (let k = 0; k < n; k++) {
    const r = Math.floor(k / 16);
    const c = k % 16;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const X = c * 64 + 2 * x;
        const Y = r * 64 + 2 * y;
        out[k * 1024 + y * 32 + x] = (px(X, Y) + px(X + 1, Y) + px(X, Y + 1) + px(X + 1, Y + 1)) / 4 / 255;
      }
    }
  }
  return out;
}

const shared = sharedFiles('TFeat with the authors’ weights against golden vectors', [
  'golden/tfeat_liberty_notredame0000.json',
  'data/phototour/notredame-sample/patches0000.bmp',
  'weights/tfeat/tfeat-liberty.params',
  'weights/tfeat/tfeat-liberty.zip.pth',
]);

shared.describe('TFeat with the authors’ weights (golden vectors)', () => {
  let golden: any;
  let patches = new Float32Array();
  beforeAll(async () => {
    golden = JSON.parse(readFileSync(shared.path('golden/tfeat_liberty_notredame0000.json'), 'utf8'));
    patches = tilePatches32(shared.path('data/phototour/notredame-sample/patches0000.bmp'), 64);
    await useTfjsBackend('wasm');
  });

  test.each([
    ['tfeat-liberty.params', 'tfjs'],
    ['tfeat-liberty.params', 'onnx'],
    ['tfeat-liberty.zip.pth', 'tfjs'],
    ['tfeat-liberty.zip.pth', 'onnx'],
  ] as const)('%s on %s matches to 1e-4', async (file, runtime) => {
    expect(golden.first_patches).toBe(64);
    const m = await createModel('tfeat.liberty', { weights: shared.path(`weights/tfeat/${file}`), runtime });
    const out = await m.describe(patches, 64);
    m.dispose();
    let err = 0;
    golden.descriptors.forEach((row: number[], i: number) => row.forEach((v, j) => (err = Math.max(err, Math.abs(out[i * 128 + j]! - v)))));
    expect(golden.descriptors).toHaveLength(64);
    expect(err).toBeLessThan(1e-4);
  });
});
