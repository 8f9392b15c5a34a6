import type * as tf from '@tensorflow/tfjs-core';

/** The slice of the wasm backend used by the JS kernels that work on its heap directly. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Replace wasm's kernel `name` by `fast`, which returns `undefined` to hand a call to the
 * original kernel (whose setup function is kept, so wasm initialises it as before). Idempotent:
 * the replacement is marked with `mark`.
 */
export function overrideWasmKernel(name: string, mark: symbol, fast: (args: Parameters<tf.KernelFunc>[0]) => tf.TensorInfo | undefined, core: typeof tf): boolean {
  const cur = core.getKernel(name, 'wasm') as (tf.KernelConfig & { [k: symbol]: unknown }) | undefined;
  if (cur === undefined) throw new Error(`wasm backend lacks ${name}; load @tensorflow/tfjs-backend-wasm first`);
  if (cur[mark]) return false;
  const original = cur.kernelFunc;
  core.unregisterKernel(name, 'wasm');
  core.registerKernel({
    ...cur,
    kernelFunc: (args) => fast(args) ?? original(args),
    [mark]: true,
  } as tf.KernelConfig);
  return true;
}
