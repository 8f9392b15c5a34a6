/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { SeededRng } from '@descbench/core';
import { tinyBackboneOnnx } from '../extract/__fixtures__/tiny-backbone';
import { IMAGENET_MEAN, IMAGENET_STD } from '../extract/extractor';
import { OnnxHowExtractor } from './onnx-local';

/** HOW's head over the ONNX backbone, checked against the same steps written out on the conv by hand. */
describe('OnnxHowExtractor', () => {
  test('top-k by attention, 3x3 average pooling, whitening and L2 equal a direct computation (one scale)', async () => {
    const rng = new SeededRng(2);
    const C = 4;
    const weight = Float32Array.from({ length: C * 3 * 3 * 3 }, () => rng.normal() * 0.3);
    const bias = Float32Array.from({ length: C }, () => rng.normal() * 0.1);
    const onnx = tinyBackboneOnnx(weight, bias, { channels: C, kernel: 3, stride: 2 });
    const H = 13;
    const W = 11;
    const img = { width: W, height: H, channels: 3, data: Uint8Array.from({ length: H * W * 3 }, () => rng.int(0, 255)) };
    const projection = Float32Array.from({ length: 3 * C }, () => rng.normal());
    const mean = Float32Array.from({ length: C }, () => rng.normal() * 0.1);
    const ex = await OnnxHowExtractor.create(onnx, { scales: [1], topk: 7, whitening: { dim: 3, channels: C, projection, mean } });
    const got = await ex.extract(img);
    await ex.release();
    // by hand: conv (no padding, stride 2) + relu
    const h = Math.floor((H - 3) / 2) + 1;
    const w = Math.floor((W - 3) / 2) + 1;
    const px = (y: number, x: number, c: number): number => (img.data[(y * W + x) * 3 + c]! / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
    const f = (c: number, y: number, x: number): number => {
      let s = bias[c]!;
      for (let k = 0; k < 3; k++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += weight[((c * 3 + k) * 3 + i) * 3 + j]! * px(2 * y + i, 2 * x + j, k);
      return Math.max(0, s);
    };
    const loc = Array.from({ length: h * w }, (_, p) => {
      const y = Math.floor(p / w);
      const x = p % w;
      const attn = Math.sqrt(Array.from({ length: C }, (_, c) => f(c, y, x) ** 2).reduce((a, b) => a + b, 0));
      const sm = Array.from({ length: C }, (_, c) => {
        let s = 0;
        let n = 0;
        for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++)
          for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
            s += f(c, yy, xx);
            n++;
          }
        return s / n;
      });
      const d = [0, 1, 2].map((r) => sm.reduce((a, v, c) => a + projection[r * C + c]! * (v - mean[c]!), 0));
      const nn = Math.hypot(...d);
      return { attn, d: d.map((v) => v / nn) };
    });
    const best = loc.map((_, i) => i).sort((a, b) => loc[b]!.attn - loc[a]!.attn || a - b).slice(0, 7);
    expect(got.count).toBe(7);
    best.forEach((i, j) => {
      expect(got.attention[j]).toBeCloseTo(loc[i]!.attn, 4);
      for (let r = 0; r < 3; r++) expect(got.rows[j * 3 + r]).toBeCloseTo(loc[i]!.d[r]!, 4);
    });
  });
});
