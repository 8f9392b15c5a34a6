import * as tf from '@tensorflow/tfjs-core';
import { convInputGradGemm } from './wasm-conv-gemm';

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
 * ~10x slower than XNNPACK's convolution). The input gradient of y = conv(x, W) is the adjoint
 * of im2col applied to dy . W^T:
 *
 *   dx = col2im(dy [B*OH*OW, Co] . W^T [Co, KH*KW*Ci])
 *
 * run as a SIMD GEMM on the wasm heap over chunks of rows, each chunk's columns added back into
 * dx (`wasm-conv-gemm.ts`, packages/models/wasm/conv-gemm.c). Any stride and padding: no work on
 * zeros (a dilated-dy formulation spends 3/4 of it on them at stride 2), no pad or crop copies.
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
      const a = attrs as unknown as BackpropInputAttrs;
      if (a.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropInput: only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode);
      return convInputGradGemm(backend as tf.KernelBackend, dy, filter, info);
    },
    [MARK]: true,
  };
  tf.registerKernel(config);
  return true;
}
