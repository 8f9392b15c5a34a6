import { InputError } from '@descbench/core';
import { GlobalExtractor, type RgbImage } from '../extract/extractor';
import type { FeatureMap } from '../extract/pooling';
import { resizeBilinear } from '../extract/resize';

/**
 * HOW's local descriptors at inference from an ONNX backbone (e.g. ResNet-18/50 without its last
 * block, output `[1, C, h, w]`), on the CPU: ImageNet normalisation, per scale the feature map,
 * attention = ||u||_2, 3x3 average pooling (count_include_pad=False), whitening
 * x' = W (x - mean) to d dimensions, L2 normalisation; the top-k locations by attention over all
 * scales. The whitening is `[d, C]` row-major with its mean (learned PCA, as HOW's 1x1 conv).
 */
export interface LocalWhitening {
  dim: number;
  channels: number;
  /** `[dim, channels]` row-major. */
  projection: Float32Array | Float64Array;
  mean: Float32Array | Float64Array;
}

export interface OnnxHowOptions {
  scales: readonly number[];
  topk: number;
  whitening: LocalWhitening;
}

/** Attention `[h*w]` and 3x3-average-pooled activations `[h*w, C]` of a `[C, h, w]` feature map. */
export function attentionAndSmoothing(m: FeatureMap): { attn: Float32Array; smoothed: Float32Array } {
  const { channels: C, height: H, width: W, data } = m;
  const attn = new Float32Array(H * W);
  const smoothed = new Float32Array(H * W * C);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let n = 0;
      for (let c = 0; c < C; c++) n += data[(c * H + y) * W + x]! ** 2;
      attn[y * W + x] = Math.sqrt(n);
      const y0 = Math.max(0, y - 1);
      const y1 = Math.min(H - 1, y + 1);
      const x0 = Math.max(0, x - 1);
      const x1 = Math.min(W - 1, x + 1);
      const cnt = (y1 - y0 + 1) * (x1 - x0 + 1);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let yy = y0; yy <= y1; yy++) for (let xx = x0; xx <= x1; xx++) s += data[(c * H + yy) * W + xx]!;
        smoothed[(y * W + x) * C + c] = s / cnt;
      }
    }
  return { attn, smoothed };
}

export class OnnxHowExtractor {
  private constructor(
    private readonly backbone: GlobalExtractor,
    readonly o: OnnxHowOptions,
  ) {}

  static async create(onnxModel: Uint8Array, o: OnnxHowOptions & { threads?: number }): Promise<OnnxHowExtractor> {
    return new OnnxHowExtractor(await GlobalExtractor.create(onnxModel, { pooling: 'gem', ...(o.threads !== undefined ? { threads: o.threads } : {}) }), o);
  }

  /** The image's top-k local descriptors `[k, d]`, L2-normalised, by descending attention. */
  async extract(img: RgbImage): Promise<{ rows: Float32Array; count: number; attention: Float32Array }> {
    const w = this.o.whitening;
    const x = GlobalExtractor.toInput(img);
    const cand: { attn: number; desc: Float32Array }[] = [];
    for (const s of this.o.scales) {
      const r = s === 1 ? { data: x, height: img.height, width: img.width } : resizeBilinear(x, 3, img.height, img.width, s);
      const m = await this.backbone.featureMap(r.data, r.height, r.width);
      if (m.channels !== w.channels) throw new InputError(`the whitening expects ${w.channels} channels, the backbone gives ${m.channels}`);
      const { attn, smoothed } = attentionAndSmoothing(m);
      const C = m.channels;
      for (let i = 0; i < attn.length; i++) {
        const d = new Float32Array(w.dim);
        let n = 0;
        for (let r2 = 0; r2 < w.dim; r2++) {
          let v = 0;
          for (let c = 0; c < C; c++) v += w.projection[r2 * C + c]! * (smoothed[i * C + c]! - w.mean[c]!);
          d[r2] = v;
          n += v * v;
        }
        n = Math.sqrt(n) || 1;
        for (let r2 = 0; r2 < w.dim; r2++) d[r2]! /= n;
        cand.push({ attn: attn[i]!, desc: d });
      }
    }
    // stable: ties keep scale-then-location order
    const order = cand.map((_, i) => i).sort((a, b) => cand[b]!.attn - cand[a]!.attn || a - b).slice(0, this.o.topk);
    const rows = new Float32Array(order.length * w.dim);
    order.forEach((i, j) => rows.set(cand[i]!.desc, j * w.dim));
    return { rows, count: order.length, attention: Float32Array.from(order.map((i) => cand[i]!.attn)) };
  }

  release(): Promise<void> {
    return this.backbone.release();
  }
}
