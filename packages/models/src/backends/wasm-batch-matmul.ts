import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-heap';
import { heapOffset, trainKernels, withScratch } from './wasm-train-module';

const MARK = Symbol.for('descbench.wasmBatchMatMul');

/** Products smaller than this (M*K*N) go to wasm's own kernel: nothing to win. */
const MIN_WORK = 1 << 16;

/**
 * `BatchMatMul` on wasm as a SIMD GEMM per batch on the heap (conv-gemm.c's batch_matmul), for
 * `[..., M, K] x [..., K, N]` with A or B transposed (not both) and equal or broadcast (size 1)
 * batch dims. wasm computes a transposed operand with a naive loop and packs B per call
 * otherwise: the SOA attention's products (f g^T, attn h and their gradients, 128 x 256 x 256 x
 * 16 at batch 128) took ~1.8 s of a 3.6 s SOSNet+ SOA_{3,4,5} training step. Few-row products
 * (the skinny kernel), both operands transposed, other dtypes and small products go on.
 */
export function registerWasmBatchMatMul(): boolean {
  return overrideWasmKernel('BatchMatMul', MARK, ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || (transposeA && transposeB)) return undefined;
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (ra < 2 || rb < 2) return undefined;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    if (k !== kb || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return undefined;
    // the same batch dims up to broadcasting one side whole (no partial broadcasting here)
    const outer = batchA >= batchB ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    if (batchA === batchB && ra === rb && a.shape.slice(0, -2).some((d, i) => d !== b.shape[i])) return undefined;
    const batch = Math.max(batchA, batchB);
    if (m * k * n < MIN_WORK || (batch === 1 && m <= 4 && !transposeB)) return undefined;
    const { k: kernels, be } = trainKernels(backend);
    const out = be.makeOutput([...outer, m, n], 'float32');
    withScratch(be, transposeB ? k * n * 4 : 16, (scratch) =>
      kernels.batch_matmul(heapOffset(be, a), heapOffset(be, b), heapOffset(be, out), scratch, batch, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n),
    );
    return out;
  }, tf);
}
