import * as tf from '@tensorflow/tfjs-core';

/** Named inputs, or a list for the list-taking kernels (Pack, Concat, AddN). */
type Inputs = Record<string, tf.TensorInfo> | tf.TensorInfo[];

/**
 * Calls existing wasm kernels from inside a custom wasm kernel and frees the intermediates.
 * `run` invokes the kernel registered now for `name` on wasm (so other custom kernels compose);
 * `temp` marks a result for disposal by `free`.
 */
export class WasmKernelCalls {
  private readonly temps: tf.TensorInfo[] = [];

  constructor(private readonly backend: tf.KernelBackend) {}

  run(name: string, inputs: Inputs, attrs: Record<string, unknown> = {}): tf.TensorInfo {
    const k = tf.getKernel(name, 'wasm');
    if (k === undefined) throw new Error(`wasm backend lacks ${name}`);
    return k.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  }

  /** `run`, with the result freed by `free()`. */
  temp(name: string, inputs: Inputs, attrs: Record<string, unknown> = {}): tf.TensorInfo {
    const t = this.run(name, inputs, attrs);
    this.temps.push(t);
    return t;
  }

  /** A reshaped view `[...shape]` of `x` (no copy on wasm), freed by `free()`. */
  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.temp('Reshape', { x }, { shape });
  }

  /** Free every `temp` result. */
  free(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}
