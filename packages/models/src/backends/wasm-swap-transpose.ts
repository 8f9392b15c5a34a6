import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-heap';
import { WasmKernelCalls } from './wasm-kernel-call';

const MARK = Symbol.for('descbench.wasmSwapTranspose');

/**
 * `Transpose` on wasm for perm `[r-1, 1, ..., r-2, 0]` (swap first and last axes, e.g. NHWC
 * `[B, H, W, C]` -> `[C, H, W, B]`, which the conv filter gradient does to its input): wasm's
 * generic N-d transpose is ~3x slower there than two of its fast cases, done in turn:
 * `[B*M, C]` -> `[C, B*M]` (2-d), then `[C, B, M]` -> `[C, M, B]` (batched 2-d).
 * Other permutations go to wasm's own kernel.
 */
export function registerWasmSwapTranspose(): boolean {
  return overrideWasmKernel('Transpose', MARK, ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const perm = (attrs as { perm: number[] }).perm;
    const r = x.shape.length;
    if (r < 3 || perm[0] !== r - 1 || perm[r - 1] !== 0 || perm.slice(1, -1).some((p, i) => p !== i + 1)) return undefined;
    const [b, c] = [x.shape[0]!, x.shape[r - 1]!];
    const m = x.shape.slice(1, -1).reduce((p, q) => p * q, 1);
    if (b === 1 || c === 1 || m === 1) return undefined;
    const k = new WasmKernelCalls(backend as tf.KernelBackend);
    try {
      const t1 = k.temp('Transpose', { x: k.reshape(x, [b * m, c]) }, { perm: [1, 0] });
      const t2 = k.temp('Transpose', { x: k.reshape(t1, [c, b, m]) }, { perm: [0, 2, 1] });
      return k.run('Reshape', { x: t2 }, { shape: [c, ...x.shape.slice(1, -1), b] });
    } finally {
      k.free();
    }
  }, tf);
}
