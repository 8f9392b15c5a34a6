import * as ort from 'onnxruntime-node';
import { InputError } from '@descbench/core';
import { l2Normalize, pool, type FeatureMap, type Pooling } from './pooling';
import { resizeBilinear } from './resize';
import { applyWhitening, type PcaWhitening } from './whitening';

/**
 * Global descriptors of images with a CNN backbone given as an ONNX file (input `[1, 3, H, W]`
 * float32, output the last feature map `[1, C, h, w]`), as cirtorch's `extract_ss` / `extract_ms`:
 *
 *   image (RGB uint8) -> [0, 1] -> (x - mean) / std (ImageNet) -> for each scale s:
 *   bilinear resize by s (PyTorch semantics) -> backbone -> pooling (GeM p = 3, MAC or R-MAC)
 *   -> L2 -> ^msp ; mean over scales -> ^(1/msp) -> L2 [-> learned PCA-whitening -> L2]
 *
 * Scales default to [1] (single scale); cirtorch's multi-scale is [1, 1/sqrt 2, 1/2]. msp = 1
 * except for GeM pooling without whitening, where cirtorch uses the pooling's p (here `gemP`).
 * Query images are cropped by the caller (datasets' `cropQuery`, python end-exclusive boxes).
 */
export const MULTI_SCALE = [1, 1 / Math.SQRT2, 1 / 2] as const;
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface RgbImage {
  width: number;
  height: number;
  /** Must be 3 (RGB); row-major HWC uint8. */
  channels: number;
  data: Uint8Array;
}

export interface ExtractorOptions {
  pooling: Pooling;
  gemP?: number;
  scales?: readonly number[];
  /** Applied after pooling (post-hoc learned whitening, cirtorch's `Lw`). */
  whitening?: PcaWhitening;
  threads?: number;
}

export class GlobalExtractor {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly o: ExtractorOptions,
  ) {}

  static async create(onnxModel: Uint8Array, o: ExtractorOptions): Promise<GlobalExtractor> {
    const session = await ort.InferenceSession.create(onnxModel, { executionProviders: ['cpu'], ...(o.threads !== undefined ? { intraOpNumThreads: o.threads } : {}) });
    return new GlobalExtractor(session, o);
  }

  /** The normalised `[3, H, W]` input of an image. */
  static toInput(img: RgbImage): Float32Array {
    if (img.channels !== 3) throw new InputError(`the backbone takes RGB images, got ${img.channels} channel(s)`);
    const { width: W, height: H } = img;
    const out = new Float32Array(3 * H * W);
    for (let c = 0; c < 3; c++) for (let i = 0; i < H * W; i++) out[c * H * W + i] = (img.data[i * 3 + c]! / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
    return out;
  }

  async featureMap(input: Float32Array, H: number, W: number): Promise<FeatureMap> {
    const res = await this.session.run({ [this.session.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, H, W]) });
    const t = res[this.session.outputNames[0]!]!;
    if (t.dims.length !== 4 || t.dims[0] !== 1) throw new InputError(`the backbone must output a [1, C, h, w] feature map, got [${t.dims.join(', ')}]`);
    return { channels: Number(t.dims[1]), height: Number(t.dims[2]), width: Number(t.dims[3]), data: t.data as Float32Array };
  }

  /** One image's descriptor (L2-normalised). */
  async describe(img: RgbImage): Promise<Float32Array> {
    const scales = this.o.scales ?? [1];
    const msp = scales.length > 1 && this.o.pooling === 'gem' && this.o.whitening === undefined ? (this.o.gemP ?? 3) : 1;
    const x = GlobalExtractor.toInput(img);
    let acc: Float32Array | undefined;
    for (const s of scales) {
      const r = s === 1 ? { data: x, height: img.height, width: img.width } : resizeBilinear(x, 3, img.height, img.width, s);
      const v = l2Normalize(pool(await this.featureMap(r.data, r.height, r.width), this.o.pooling, this.o.gemP !== undefined ? { gemP: this.o.gemP } : {}));
      if (acc === undefined) acc = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) acc[i]! += v[i]! ** msp;
    }
    let d: Float32Array = acc!.map((a) => (a / scales.length) ** (1 / msp));
    d = l2Normalize(d);
    if (this.o.whitening !== undefined) d = applyWhitening(this.o.whitening, d, 1);
    return d;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
