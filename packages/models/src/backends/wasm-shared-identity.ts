import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-heap';

const IDENTITY = Symbol.for('descbench.wasmSharedIdentity');
const CAST = Symbol.for('descbench.wasmSharedCast');

/** The wasm backend's reference count on a tensor's data (what its own Reshape uses). */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

/** A new tensor on `x`'s data (no copy): tensors on the wasm backend are never written in place. */
function share(backend: unknown, x: tf.TensorInfo): tf.TensorInfo {
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/**
 * `Identity`, and `Cast` to the same dtype, share their input's data on wasm instead of copying
 * it, as the cpu backend's kernels do. tfjs clones every tensor a gradient saves through Identity
 * and ReLU's gradient casts float32 to float32, so wasm copied each activation several times per
 * training step (HyNet at batch 256: ~0.3 s of a ~3.8 s step). Strings and real casts go to wasm's kernels.
 */
export function registerWasmSharedIdentity(): void {
  overrideWasmKernel('Identity', IDENTITY, ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    return x.dtype === 'string' ? undefined : share(backend, x);
  }, tf);
  overrideWasmKernel('Cast', CAST, ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { dtype } = attrs as unknown as { dtype: tf.DataType };
    return x.dtype === dtype && dtype !== 'string' ? share(backend, x) : undefined;
  }, tf);
}
