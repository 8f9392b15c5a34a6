import * as tf from '@tensorflow/tfjs-core';
import { convFilterGradGemm } from './wasm-conv-gemm';

/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships without it (so no conv layer could
 * train there). The filter gradient of y = conv(x, W) is
 *
 *   dW[kh, kw, ci, co] = sum_{b, i, j} x[b, i*s + kh - top, j*s + kw - left, ci] * dy[b, i, j, co]
 *
 * i.e. im2col(x)^T . dy, run as a SIMD GEMM on the wasm heap over chunks of im2col rows
 * (`wasm-conv-gemm.ts`, packages/models/wasm/conv-gemm.c); padding is read as zeros, never copied.
 */
export function registerWasmConvFilterGradient(): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return false;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as {
        strides: [number, number] | number;
        pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (a.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter: only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
      return convFilterGradGemm(backend as tf.KernelBackend, x, dy, info);
    },
  });
  return true;
}
