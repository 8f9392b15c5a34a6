import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, trainKernels, withScratch } from './wasm-train-module';

/**
 * im2col rows per chunk: about this many floats (128 KiB), at least MIN_ROWS rows. Measured on
 * L2-Net's layers at batch 256: the filter gradient is ~25% slower with 1 MiB chunks (the
 * chunk leaves the cache between the GEMM's column tiles); the input gradient does not care.
 */
const COL_FLOATS = 1 << 15;
const MIN_ROWS = 32;

function geometry(info: tf.backend_util.Conv2DInfo): [number, number, number, number, number, number, number, number, number, number, number, number, number] {
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left];
}

/** Rows of im2col per chunk and the columns K = KH*KW*Ci: the scratch holds `rows * K` floats. */
function chunk(info: tf.backend_util.Conv2DInfo): { rows: number; k: number } {
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const m = info.batchSize * info.outHeight * info.outWidth;
  return { rows: Math.max(1, Math.min(m, Math.max(MIN_ROWS, Math.floor(COL_FLOATS / k)))), k };
}

function float32(t: tf.TensorInfo, what: string): void {
  if (t.dtype !== 'float32') throw new Error(`wasm conv gemm: ${what} must be float32, got ${t.dtype}`);
}

/**
 * What every convolution GEMM call needs: its two float32 operands' heap offsets, the output of
 * `outShape` and its offset, the kernels, and the im2col chunk (`rows` x `k` floats of scratch).
 */
function gemmCall(backend: tf.KernelBackend, a: [tf.TensorInfo, string], b: [tf.TensorInfo, string], outShape: number[], info: tf.backend_util.Conv2DInfo) {
  float32(...a);
  float32(...b);
  const { k: kernels, be } = trainKernels(backend);
  const out = be.makeOutput(outShape, 'float32');
  return { kernels, be, out, a: heapOffset(be, a[0]), b: heapOffset(be, b[0]), o: heapOffset(be, out), ...chunk(info) };
}

/** Conv2D: y `[B, OH, OW, Co]` = im2col(x) . W (conv-gemm.c), on the wasm heap. */
export function convForwardGemm(backend: tf.KernelBackend, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const c = gemmCall(backend, [x, 'x'], [filter, 'filter'], [info.batchSize, info.outHeight, info.outWidth, info.outChannels], info);
  withScratch(c.be, c.rows * c.k * 4, (col) => c.kernels.conv_forward(c.a, c.b, c.o, col, ...geometry(info), c.rows));
  return c.out;
}

/** Conv2DBackpropFilter: dW `[KH, KW, Ci, Co]` = im2col(x)^T . dy (conv-gemm.c), on the wasm heap. */
export function convFilterGradGemm(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const c = gemmCall(backend, [x, 'x'], [dy, 'dy'], [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], info);
  withScratch(c.be, c.rows * c.k * 4, (col) => c.kernels.conv_filter_grad(c.a, c.b, c.o, col, ...geometry(info), c.rows));
  return c.out;
}

/** Conv2DBackpropInput: dx `[B, H, W, Ci]` = col2im(dy . W^T) (conv-gemm.c), on the wasm heap. */
export function convInputGradGemm(backend: tf.KernelBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const c = gemmCall(backend, [dy, 'dy'], [filter, 'filter'], [info.batchSize, info.inHeight, info.inWidth, info.inChannels], info);
  // scratch: the im2col chunk, then the transposed filter (K x Co)
  withScratch(c.be, (c.rows * c.k + c.k * info.outChannels) * 4, (col) =>
    c.kernels.conv_input_grad(c.a, c.b, c.o, col, col + c.rows * c.k * 4, ...geometry(info), c.rows),
  );
  return c.out;
}
