/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GlobalExtractor, MULTI_SCALE } from './extractor';
import { rmacRegions } from './pooling';
import { resizeBilinear } from './resize';
import { applyWhitening, learnPcaWhitening } from './whitening';
import { tinyBackboneOnnx } from './__fixtures__/tiny-backbone';

/** Reference values: __fixtures__/make-extract-fixture.py (PyTorch 1.13, cirtorch's definitions). */
const fx = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'extract-fixture.json'), 'utf8')) as {
  weight: number[];
  bias: number[];
  image: number[];
  height: number;
  width: number;
  single: Record<'gem' | 'mac' | 'rmac', number[]>;
  multi: Record<'gem' | 'mac' | 'rmac', number[]>;
  resized: number[];
  whiten: { X: number[]; eigenvalues: number[]; gram: number[] };
};

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThan(tol);
};

describe('global descriptor extraction with an ONNX backbone', () => {
  const model = tinyBackboneOnnx(Float32Array.from(fx.weight), Float32Array.from(fx.bias), { channels: 8, kernel: 3, stride: 2 });
  const img = { width: fx.width, height: fx.height, channels: 3, data: Uint8Array.from(fx.image) };

  it.each(['gem', 'mac', 'rmac'] as const)('%s, single scale and multi-scale (1, 1/sqrt 2, 1/2), equal PyTorch within 1e-5', async (pooling) => {
    for (const [scales, want] of [
      [[1], fx.single[pooling]],
      [MULTI_SCALE, fx.multi[pooling]],
    ] as const) {
      const ex = await GlobalExtractor.create(model, { pooling, scales });
      close(await ex.describe(img), want, 1e-5);
      await ex.release();
    }
  });

  it('resizes as F.interpolate(scale_factor, bilinear, align_corners=False)', () => {
    const x = GlobalExtractor.toInput(img);
    const r = resizeBilinear(x, 3, fx.height, fx.width, 1 / Math.SQRT2);
    expect([r.height, r.width]).toEqual([26, 37]);
    close(r.data, fx.resized, 1e-5);
  });

  it('R-MAC regions on a square and a wide map', () => {
    expect(rmacRegions(4, 4, 1)).toEqual([[0, 0, 4]]);
    // 18 x 26: the whole-height square slides along the width on the first scale
    expect(rmacRegions(18, 26, 1).map((r) => r[2])).toEqual([18, 18]);
  });

  it("R-MAC regions equal cirtorch's float32 grid where double precision would differ (ties of the overlap criterion, starts on integers)", () => {
    // __fixtures__/make-rmac-regions-fixture.py: the 90 such shapes among 1..80 x 1..80, and 5 ordinary ones
    const cases = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'rmac-regions.json'), 'utf8')) as Record<string, number[][]>;
    expect(Object.keys(cases).length).toBe(95);
    for (const [shape, want] of Object.entries(cases)) {
      const [H, W] = shape.split('x').map(Number) as [number, number];
      expect([shape, rmacRegions(H, W)]).toEqual([shape, want]);
    }
  });

  it('learned PCA-whitening gives numpy pcawhitenlearn / whitenapply similarities', () => {
    const X = Float32Array.from(fx.whiten.X);
    const w = learnPcaWhitening(X, 40, 6);
    close(w.eigenvalues, fx.whiten.eigenvalues, 1e-4);
    const Y = applyWhitening(w, X, 40);
    const gram = new Float64Array(40 * 40);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) for (let k = 0; k < 6; k++) gram[i * 40 + j]! += Y[i * 6 + k]! * Y[j * 6 + k]!;
    close(gram, fx.whiten.gram, 1e-5);
  });
});
