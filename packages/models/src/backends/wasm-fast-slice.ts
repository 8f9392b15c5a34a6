import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel, type WasmHeapBackend } from './wasm-heap';

const MARK = Symbol.for('descbench.wasmFastSlice');

/** Longest contiguous run copied by index here (longer ones: wasm's set(subarray) is as fast). */
const MAX_RUN = 512;

/**
 * `Slice` on wasm when its contiguous runs are short (e.g. the pad gradient, a crop of
 * `[B, H+2, W+2, C]` to `[B, H, W, C]`, copies runs of C floats): wasm's kernel copies each run
 * with `set(subarray(...))`, allocating a view per run; here each run is one `copyWithin` on the
 * wasm heap (input and output share it). Long runs, strings and zero-size slices go to wasm's own kernel.
 */
export function registerWasmFastSlice(): boolean {
  return overrideWasmKernel('Slice', MARK, ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { begin, size } = attrs as unknown as { begin: number[]; size: number[] };
    if (x.dtype === 'string' || x.shape.length < 2) return undefined;
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.TensorInfo & tf.Tensor, begin, size) as [number[], number[]];
    const total = s.reduce((p, q) => p * q, 1);
    if (total === 0 || tf.slice_util.isSliceContinous(x.shape, b, s)) return undefined;
    // Merge trailing dims taken whole into one run.
    const shape = x.shape;
    const r = shape.length;
    let j = r - 1;
    let run = 1;
    while (j > 0 && b[j] === 0 && s[j] === shape[j]) run *= shape[j--]!;
    const runLen = run * s[j]!;
    if (runLen > MAX_RUN) return undefined;
    const strides = tf.util.computeStrides(shape);
    const be = backend as unknown as WasmHeapBackend;
    const out = be.makeOutput(s, x.dtype);
    const xv = be.typedArrayFromHeap(x);
    const ov = be.typedArrayFromHeap(out);
    // Input and output live in the same wasm heap: each run is one copyWithin (a memmove, no view).
    const heap = new Uint8Array(xv.buffer);
    const e = xv.BYTES_PER_ELEMENT;
    const runBytes = runLen * e;
    // Odometer over the outer dims 0..j-1.
    const idx = new Int32Array(j);
    const inner = b[j]! * run;
    let o = ov.byteOffset;
    for (;;) {
      let src = inner;
      for (let d = 0; d < j; d++) src += (b[d]! + idx[d]!) * strides[d]!;
      const from = xv.byteOffset + src * e;
      heap.copyWithin(o, from, from + runBytes);
      o += runBytes;
      let d = j - 1;
      while (d >= 0 && ++idx[d]! === s[d]) idx[d--] = 0;
      if (d < 0) break;
    }
    return out;
  }, tf);
}
