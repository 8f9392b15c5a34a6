import type { StateDict } from './state-dict';

/** Where official weights of one training set come from (mirrors in order) and what format they are. */
export interface WeightsEntry {
  urls: string[];
  /** `torch-legacy` (pre-1.6 sequential pickles), `torch-zip` (zip with data.pkl), or a state dict inside `key`. */
  format: 'torch-legacy' | 'torch-zip';
  /** Where the state dict sits inside the checkpoint object (e.g. `state_dict`), if not at the top. */
  stateDictKey?: string;
  trainedOn: string;
  license?: string;
}

/** Tag -> weights entry; the first tag is the default. */
export type WeightsTable = Record<string, WeightsEntry>;

/** Which engine runs a model: tfjs (training, any tfjs backend), onnxruntime (inference, default for evaluation), or plain JS (hand-crafted). */
export type Runtime = 'tfjs' | 'onnx' | 'js';

export interface ModelOptions {
  /** A state dict (already parsed) or a checkpoint path; absent: seeded random initialisation. */
  weights?: StateDict | string;
  /** Seed for random initialisation (default 0). */
  seed?: number;
  runtime?: Runtime;
}

/**
 * A patch descriptor: `describe` maps `[B, 1, patchSize, patchSize]` float32 patches (row-major,
 * NCHW) to `[B, dim]` descriptors. Inputs of another size throw `InputError`.
 */
export interface PatchDescriptor {
  readonly name: string;
  readonly patchSize: number;
  readonly dim: number;
  readonly runtime: Runtime;
  /** `patches` holds B * patchSize^2 floats; returns B * dim floats. */
  describe(patches: Float32Array, batch: number): Promise<Float32Array>;
  dispose(): void;
}
