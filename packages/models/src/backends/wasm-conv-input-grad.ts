import * as tf from '@tensorflow/tfjs-core';
import { WasmKernelCalls } from './wasm-kernel-call';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** Marker of the kernel config registered here (so registration is idempotent). */
const MARK = Symbol.for('descbench.wasmConvInputGrad');

/**
 * `Conv2DBackpropInput` for the wasm backend, replacing its built-in kernel (a naive C loop,
 * ~10x slower than XNNPACK's convolution). The input gradient of y = conv(x, W) (stride s,
 * pads top/left) is a stride-1 convolution of the zero-dilated output gradient with the
 * spatially flipped filter, input and output channels swapped:
 *
 *   dx[b, i, j, ci] = sum_{u, v, co} dyd[b, i + top - u, j + left - v, co] * W[u, v, ci, co],
 *   dyd[b, p*s, q*s, co] = dy[b, p, q, co] (zero elsewhere)
 *
 * i.e. `Conv2D(pad(dyd, [KH-1-top, IH+top-OH*s], [KW-1-left, IW+left-OW*s]), flip(W)^T, 'valid')`.
 * The dilation is a reshape to `[B, OH, 1, OW, 1, Co]` padded to `[B, OH, s, OW, s, Co]`; negative
 * pads become a slice. When the filter covers the whole (unpadded) input (a 1x1 output, as in
 * the 8x8 descriptor head) the gradient is one matrix product `dy [B, Co] x W^T [Co, KH*KW*Ci]`.
 * Every step runs on existing wasm kernels (XNNPACK Conv2D / MatMul, PadV2, Slice, Transpose).
 */
export function registerWasmConvInputGradient(): boolean {
  const cur = tf.getKernel('Conv2DBackpropInput', 'wasm') as (tf.KernelConfig & { [MARK]?: true }) | undefined;
  if (cur?.[MARK]) return false;
  if (cur !== undefined) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  const config: tf.KernelConfig & { [MARK]: true } = {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      return conv2dBackpropInput(dy, filter, attrs as unknown as BackpropInputAttrs, backend as tf.KernelBackend);
    },
    [MARK]: true,
  };
  tf.registerKernel(config);
  return true;
}

function conv2dBackpropInput(dy: tf.TensorInfo, filter: tf.TensorInfo, a: BackpropInputAttrs, backend: tf.KernelBackend): tf.TensorInfo {
  if (a.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropInput: only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode);
  const { batchSize: b, inHeight: ih, inWidth: iw, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left, bottom, right } = info.padInfo;
  const k = new WasmKernelCalls(backend);
  try {
    if (oh === 1 && ow === 1 && top === 0 && left === 0 && ih === kh && iw === kw && bottom === 0 && right === 0) {
      // The filter covers the whole input: dx[b, :, :, :] = W . dy[b] (one matrix product).
      const dy2 = k.reshape(dy, [1, b, co]);
      const w2 = k.reshape(filter, [1, kh * kw * ci, co]);
      const dx = k.temp('BatchMatMul', { a: dy2, b: w2 }, { transposeA: false, transposeB: true });
      return k.run('Reshape', { x: dx }, { shape: [b, ih, iw, ci] });
    }
    // Zero-dilate dy by the strides: [B, OH*sh, OW*sw, Co] with dy at multiples of the stride.
    let d = dy;
    if (sh > 1 || sw > 1) {
      const d6 = k.reshape(dy, [b, oh, 1, ow, 1, co]);
      const p6 = k.temp('PadV2', { x: d6 }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
      d = k.reshape(p6, [b, oh * sh, ow * sw, co]);
    }
    // Pad (or crop, where negative) so that a valid KHxKW convolution yields [B, IH, IW, Ci].
    const [padTop, padBottom] = [kh - 1 - top, ih + top - oh * sh];
    const [padLeft, padRight] = [kw - 1 - left, iw + left - ow * sw];
    if (Math.min(padTop, padBottom, padLeft, padRight) < 0) {
      const begin = [0, Math.max(0, -padTop), Math.max(0, -padLeft), 0];
      const size = [b, d.shape[1]! - begin[1]! - Math.max(0, -padBottom), d.shape[2]! - begin[2]! - Math.max(0, -padRight), co];
      d = k.temp('Slice', { x: d }, { begin, size });
    }
    if (Math.max(padTop, padBottom, padLeft, padRight) > 0) {
      const paddings = [[0, 0], [Math.max(0, padTop), Math.max(0, padBottom)], [Math.max(0, padLeft), Math.max(0, padRight)], [0, 0]];
      d = k.temp('PadV2', { x: d }, { paddings, constantValue: 0 });
    }
    // Filter [KH, KW, Ci, Co] -> flipped in space, [KH, KW, Co, Ci].
    const wr = kh > 1 || kw > 1 ? k.temp('Reverse', { x: filter }, { dims: [0, 1] }) : filter;
    const wt = k.temp('Transpose', { x: wr }, { perm: [0, 1, 3, 2] });
    return k.run('Conv2D', { x: d, filter: wt }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined });
  } finally {
    k.free();
  }
}
