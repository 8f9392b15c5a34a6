import * as tf from '@tensorflow/tfjs-core';
import { convForwardGemm } from './wasm-conv-gemm';
import { overrideWasmKernel } from './wasm-heap';

const MARK = Symbol.for('descbench.wasmConvForward');

/** Convolutions smaller than this (multiply-adds) go to XNNPACK: nothing to win. */
const MIN_WORK = 1 << 20;

/**
 * `Conv2D` on wasm as im2col + SIMD GEMM on the heap (conv-gemm.c), the same kernels as its
 * gradients: measured 12-22% less CPU than wasm's XNNPACK convolution on L2-Net's 3x3 layers at
 * batch 256 (XNNPACK also rebuilds its operator whenever the filter changes, i.e. every training
 * step). NHWC float32, dilation 1, more than one output pixel; other convolutions and small
 * ones go to wasm's kernel.
 */
export function registerWasmConvForward(): boolean {
  return overrideWasmKernel('Conv2D', MARK, ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as {
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dilations: [number, number] | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    if (x.dtype !== 'float32' || filter.dtype !== 'float32' || a.dataFormat === 'NCHW') return undefined;
    const d = a.dilations ?? 1;
    if ((typeof d === 'number' ? d : Math.max(d[0], d[1])) !== 1) return undefined;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode);
    const work = info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
    // one output pixel (a descriptor head covering its input): a GEMM with K = KH*KW*Ci in the
    // thousands streams the whole filter per row tile, XNNPACK blocks it better (52 vs 70 ms for L2-Net's)
    if (work < MIN_WORK || info.outHeight * info.outWidth === 1) return undefined;
    return convForwardGemm(backend as tf.KernelBackend, x, filter, info);
  }, tf);
}
