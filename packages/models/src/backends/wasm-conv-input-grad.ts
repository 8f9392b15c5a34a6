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
 * pads top/left) is, per spatial dimension,
 *
 *   dx[i] = sum_{u, co} dy[(i + top - u) / s] * W[u]   (terms where s divides i + top - u)
 *
 * - stride 1: a valid convolution of dy padded by (K-1-top, IH+top-OH) with the spatially
 *   flipped filter, channels swapped (`[KH, KW, Co, Ci]`);
 * - stride s > 1, by phases: for each residue r of i + top (mod s), dx[q*s + r - top] =
 *   sum_m dy[q - m] * W[r + s*m], a stride-1 convolution of dy with the flipped sub-filter
 *   W[r::s]; the s*s phase outputs are interleaved (Pack + reshape) and cropped. No work is
 *   spent on the zeros a dilated-dy formulation would multiply (3/4 of it at stride 2);
 * - a filter covering the whole unpadded input (1x1 output, the 8x8 descriptor head) is a
 *   matrix product dy [B, Co] x W^T [Co, KH*KW*Ci], run as a 1x1 convolution.
 *
 * Every step runs on existing wasm kernels (XNNPACK Conv2D, PadV2, Slice, StridedSlice, Reverse,
 * Transpose, Pack); negative pads become crops.
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

const CONV_VALID = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };

/** `x` `[B, H, W, C]` padded with zeros by `[top, bottom]`, `[left, right]`; negative amounts crop. */
function padOrCrop(k: WasmKernelCalls, x: tf.TensorInfo, [pt, pb]: [number, number], [pl, pr]: [number, number]): tf.TensorInfo {
  let d = x;
  if (Math.min(pt, pb, pl, pr) < 0) {
    const begin = [0, Math.max(0, -pt), Math.max(0, -pl), 0];
    const size = [d.shape[0]!, d.shape[1]! - begin[1]! - Math.max(0, -pb), d.shape[2]! - begin[2]! - Math.max(0, -pr), d.shape[3]!];
    d = k.temp('Slice', { x: d }, { begin, size });
  }
  if (Math.max(pt, pb, pl, pr) > 0) {
    const paddings = [[0, 0], [Math.max(0, pt), Math.max(0, pb)], [Math.max(0, pl), Math.max(0, pr)], [0, 0]];
    d = k.temp('PadV2', { x: d }, { paddings, constantValue: 0 });
  }
  return d;
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
      // The filter covers the whole input: dx[b] = W . dy[b], a 1x1 convolution of dy [1, 1, B, Co]
      // with W^T [1, 1, Co, KH*KW*Ci] (XNNPACK; wasm's BatchMatMul with a transposed operand is a slow loop).
      const dy4 = k.reshape(dy, [1, 1, b, co]);
      const wT = k.temp('Transpose', { x: k.reshape(filter, [kh * kw * ci, co]) }, { perm: [1, 0] });
      const dx = k.temp('Conv2D', { x: dy4, filter: k.reshape(wT, [1, 1, co, kh * kw * ci]) }, CONV_VALID);
      return k.run('Reshape', { x: dx }, { shape: [b, ih, iw, ci] });
    }
    // Filter [KH, KW, Ci, Co] -> flipped in space, [KH, KW, Co, Ci].
    const wr = kh > 1 || kw > 1 ? k.temp('Reverse', { x: filter }, { dims: [0, 1] }) : filter;
    const wt = k.temp('Transpose', { x: wr }, { perm: [0, 1, 3, 2] });
    if (sh === 1 && sw === 1) {
      // dx = valid conv of dy padded by (K-1-top, IH+top-OH) with the flipped filter.
      const d = padOrCrop(k, dy, [kh - 1 - top, ih + top - oh], [kw - 1 - left, iw + left - ow]);
      return k.run('Conv2D', { x: d, filter: wt }, CONV_VALID);
    }
    // Stride > 1, by phases: dx[q*s + r - top] = sum_m dy[q - m] W[r + s*m] (per spatial dim),
    // a stride-1 convolution of dy with the sub-filter W[r::s] for each residue r; the sh*sw phase
    // outputs [B, QH, QW, Ci] are interleaved to [B, QH*sh, QW*sw, Ci] and cropped from `top`.
    const qh = Math.ceil((top + ih) / sh);
    const qw = Math.ceil((left + iw) / sw);
    const rows: tf.TensorInfo[] = [];
    for (let rh = 0; rh < sh; rh++) {
      const cols: tf.TensorInfo[] = [];
      for (let rw = 0; rw < sw; rw++) {
        const mh = Math.max(0, Math.ceil((kh - rh) / sh));
        const mw = Math.max(0, Math.ceil((kw - rw) / sw));
        if (mh === 0 || mw === 0) {
          cols.push(k.temp('Fill', {}, { shape: [b, qh, qw, ci], value: 0, dtype: 'float32' }));
          continue;
        }
        // The flipped sub-filter W[r + s*(M-1-m')] is wt[KH-1-r-s*(M-1) + s*m'].
        const bh = kh - 1 - rh - sh * (mh - 1);
        const bw = kw - 1 - rw - sw * (mw - 1);
        const sub =
          mh === kh && mw === kw
            ? wt
            : k.temp('StridedSlice', { x: wt }, {
                begin: [bh, bw, 0, 0],
                end: [bh + sh * (mh - 1) + 1, bw + sw * (mw - 1) + 1, co, ci],
                strides: [sh, sw, 1, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              });
        const d = padOrCrop(k, dy, [mh - 1, qh - oh], [mw - 1, qw - ow]);
        cols.push(k.temp('Conv2D', { x: d, filter: sub }, CONV_VALID));
      }
      rows.push(sw > 1 ? k.temp('Pack', cols, { axis: 3 }) : k.reshape(cols[0]!, [b, qh, qw, 1, ci]));
    }
    const packed = sh > 1 ? k.temp('Pack', rows, { axis: 2 }) : k.reshape(rows[0]!, [b, qh, 1, qw, sw, ci]);
    const full = k.reshape(packed, [b, qh * sh, qw * sw, ci]);
    if (top === 0 && left === 0 && qh * sh === ih && qw * sw === iw) return k.run('Reshape', { x: full }, { shape: [b, ih, iw, ci] });
    return k.run('Slice', { x: full }, { begin: [0, top, left, 0], size: [b, ih, iw, ci] });
  } finally {
    k.free();
  }
}
