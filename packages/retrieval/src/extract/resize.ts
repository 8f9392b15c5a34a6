/**
 * Bilinear resizing of a `[C, H, W]` float image as PyTorch 1.13's
 * `F.interpolate(x, scale_factor=s, mode='bilinear', align_corners=False)` does it (what cirtorch's
 * multi-scale extraction calls): output size floor(H s) x floor(W s); the source coordinate of
 * output pixel i is (i + 0.5) / s - 0.5 (the given scale, not the size ratio), clamped at 0.
 */
export function resizeBilinear(data: Float32Array, C: number, H: number, W: number, s: number): { data: Float32Array; height: number; width: number } {
  const oh = Math.floor(H * s);
  const ow = Math.floor(W * s);
  if (oh < 1 || ow < 1) throw new RangeError(`scale ${s} leaves no pixel of a ${H} x ${W} image`);
  const idx = (o: number, n: number): [number, number, number] => {
    const src = Math.max(0, (o + 0.5) / s - 0.5);
    const i0 = Math.min(Math.floor(src), n - 1);
    const i1 = i0 < n - 1 ? i0 + 1 : i0;
    return [i0, i1, src - i0];
  };
  const ys = Array.from({ length: oh }, (_, y) => idx(y, H));
  const xs = Array.from({ length: ow }, (_, x) => idx(x, W));
  const out = new Float32Array(C * oh * ow);
  for (let c = 0; c < C; c++) {
    const base = c * H * W;
    for (let y = 0; y < oh; y++) {
      const [y0, y1, ly] = ys[y]!;
      for (let x = 0; x < ow; x++) {
        const [x0, x1, lx] = xs[x]!;
        const top = (1 - lx) * data[base + y0 * W + x0]! + lx * data[base + y0 * W + x1]!;
        const bot = (1 - lx) * data[base + y1 * W + x0]! + lx * data[base + y1 * W + x1]!;
        out[c * oh * ow + y * ow + x] = (1 - ly) * top + ly * bot;
      }
    }
  }
  return { data: out, height: oh, width: ow };
}
