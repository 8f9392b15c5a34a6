import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel, type WasmHeapBackend } from './wasm-heap';

const MARK = Symbol.for('descbench.wasmSkinnyMatMul');

/** Largest row count of A handled here (each row is one pass over B). */
const MAX_ROWS = 4;

/**
 * `BatchMatMul` on wasm for a few-row A times a large B (`[M, K] x [K, N]`, M <= 4, one batch),
 * e.g. the `ones [1, B*H*W] x x [B*H*W, C]` GEMM reductions of BatchNorm. wasm hands such a call
 * to XNNPACK's fully-connected operator with B as its weights, so every call packs B first
 * (~10x the product's own cost when M = 1). Here it is one pass over B on the wasm heap,
 * accumulating in float64. Other shapes and transposes go to wasm's own kernel.
 */
export function registerWasmSkinnyMatMul(): boolean {
  return overrideWasmKernel('BatchMatMul', MARK, ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || transposeB) return undefined;
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (a.shape.slice(0, -2).some((d) => d !== 1) || b.shape.slice(0, -2).some((d) => d !== 1)) return undefined;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const [kb, n] = [b.shape[rb - 2]!, b.shape[rb - 1]!];
    if (k !== kb || m > MAX_ROWS || (transposeA && m !== 1) || k * n < 4096) return undefined;
    const be = backend as unknown as WasmHeapBackend;
    const outShape = [...(ra >= rb ? a.shape.slice(0, -2) : b.shape.slice(0, -2)), m, n];
    const out = be.makeOutput(outShape, 'float32');
    // Views after makeOutput: an allocation can grow (and so detach) the heap.
    const av = be.typedArrayFromHeap(a) as Float32Array;
    const bv = be.typedArrayFromHeap(b) as Float32Array;
    const ov = be.typedArrayFromHeap(out) as Float32Array;
    const acc = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      const ai = i * k;
      let kk = 0;
      // Four rows of B per pass over the accumulator.
      for (; kk + 4 <= k; kk += 4) {
        const [s0, s1, s2, s3] = [av[ai + kk]!, av[ai + kk + 1]!, av[ai + kk + 2]!, av[ai + kk + 3]!];
        const b0 = kk * n;
        for (let j = 0; j < n; j++) acc[j]! += s0 * bv[b0 + j]! + s1 * bv[b0 + n + j]! + s2 * bv[b0 + 2 * n + j]! + s3 * bv[b0 + 3 * n + j]!;
      }
      for (; kk < k; kk++) {
        const s0 = av[ai + kk]!;
        const b0 = kk * n;
        for (let j = 0; j < n; j++) acc[j]! += s0 * bv[b0 + j]!;
      }
      for (let j = 0; j < n; j++) ov[i * n + j] = acc[j]!;
    }
    return out;
  }, tf);
}
