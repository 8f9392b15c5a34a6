import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's CommonJS build registers no gradients (its register_all_gradients is ESM-only);
// the @tensorflow/tfjs umbrella's Node build registers them all into the shared global registry.
import '@tensorflow/tfjs';
import {
  chooseBackend,
  log,
  nodeBackendProbe,
  type BackendChoice,
  type BackendName,
  type BackendProbe,
  type ConcreteBackend,
} from '@descbench/core';
import { registerWasmTrainingKernels } from './wasm-training-kernels';

/**
 * The only place that loads tfjs backends. `@tensorflow/tfjs-node` / `-node-gpu` and
 * `@tensorflow/tfjs-backend-webgpu` are optional: loaded when installed (and, for webgpu, when
 * a WebGPU adapter exists), never listed as dependencies because their install needs network
 * (libtensorflow download) or a GPU stack. wasm is the offline default; cpu always works.
 */

/** tfjs's own registry name of each backend. */
const TFJS_NAME: Record<ConcreteBackend, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  webgpu: 'webgpu',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** Module ids loaded per backend (each registers its backend with tfjs-core on import). */
const MODULES: Record<ConcreteBackend, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The probe `auto` uses here: Node's module resolution from this package, WebGPU when `navigator.gpu` exists. */
export function tfjsProbe(): BackendProbe {
  const base = nodeBackendProbe(__dirname);
  return {
    isInstalled: base.isInstalled,
    hasWebGpuAdapter: () => typeof (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu === 'object',
  };
}

let active: ConcreteBackend | undefined;

/**
 * Load and activate a tfjs backend (`auto` resolves by core's `chooseBackend`). Idempotent.
 * On wasm, registers the missing `Conv2DBackpropFilter` kernel so training works.
 */
export async function useTfjsBackend(requested: BackendName = 'auto', probe: BackendProbe = tfjsProbe()): Promise<BackendChoice> {
  const choice = chooseBackend(requested, probe);
  if (active === choice.backend && tf.getBackend() === TFJS_NAME[choice.backend]) return choice;
  require(MODULES[choice.backend]);
  if (choice.backend === 'wasm') registerWasmTrainingKernels();
  const ok = await tf.setBackend(TFJS_NAME[choice.backend]);
  if (!ok) throw new Error(`tfjs could not initialise the ${choice.backend} backend`);
  await tf.ready();
  // The cpu backend greets Node users once with advice to install tfjs-node; doctor says that instead.
  if (choice.backend === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  active = choice.backend;
  log.debug(`tfjs backend: ${choice.backend} (${choice.why})`);
  return choice;
}

/** The active tfjs backend's registry name (e.g. `wasm`). */
export function activeTfjsBackend(): string {
  return tf.getBackend();
}
