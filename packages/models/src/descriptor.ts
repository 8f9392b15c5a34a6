import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import { createOnnxSession, type OnnxProvider, type OnnxSession } from './backends/onnx';
import { buildOnnxModel } from './onnx-graph';
import type { NetSpec } from './spec';
import type { StateDict } from './state-dict';
import { TfjsNet, patchesToTensor } from './tfjs-net';
import type { PatchDescriptor, Runtime } from './types';

/** Throw `InputError` unless `patches` holds `batch` patches of `patchSize`^2 floats. */
export function checkPatchInput(name: string, patchSize: number, patches: Float32Array, batch: number): void {
  const per = patchSize * patchSize;
  if (!Number.isInteger(batch) || batch < 1) throw new InputError(`${name}: batch size must be a positive integer, got ${batch}`);
  if (patches.length !== batch * per) {
    const side = Math.sqrt(patches.length / batch);
    const got = Number.isInteger(side) ? `[${batch}, 1, ${side}, ${side}]` : `${patches.length} values for ${batch} patches`;
    throw new InputError(`${name}: expected input [${batch}, 1, ${patchSize}, ${patchSize}], got ${got}`);
  }
}

const TFJS_CHUNK = 256;

/** A spec-defined network run by tfjs on the active tfjs backend (eval mode). */
export class TfjsDescriptor implements PatchDescriptor {
  readonly runtime: Runtime = 'tfjs';
  readonly patchSize: number;
  readonly dim: number;
  constructor(
    readonly name: string,
    readonly net: TfjsNet,
  ) {
    this.patchSize = net.spec.patchSize;
    this.dim = net.spec.dim;
  }

  async describe(patches: Float32Array, batch: number): Promise<Float32Array> {
    checkPatchInput(this.name, this.patchSize, patches, batch);
    // Chunks bound the live intermediates (the wasm heap is limited to a few GB).
    const per = this.patchSize * this.patchSize;
    const result = new Float32Array(batch * this.dim);
    for (let i = 0; i < batch; i += TFJS_CHUNK) {
      const b = Math.min(TFJS_CHUNK, batch - i);
      const out = tf.tidy(() => this.net.forward(patchesToTensor(patches.subarray(i * per, (i + b) * per), b, this.patchSize)));
      result.set((await out.data()) as Float32Array, i * this.dim);
      out.dispose();
    }
    return result;
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** A spec-defined network exported to ONNX and run by onnxruntime-node. */
export class OnnxDescriptor implements PatchDescriptor {
  readonly runtime: Runtime = 'onnx';
  readonly patchSize: number;
  readonly dim: number;
  private constructor(
    readonly name: string,
    readonly spec: NetSpec,
    private readonly session: OnnxSession,
  ) {
    this.patchSize = spec.patchSize;
    this.dim = spec.dim;
  }

  static async create(name: string, spec: NetSpec, sd: StateDict, o: { providers?: OnnxProvider[]; threads?: number } = {}): Promise<OnnxDescriptor> {
    const session = await createOnnxSession(buildOnnxModel(spec, sd), o);
    return new OnnxDescriptor(name, spec, session);
  }

  async describe(patches: Float32Array, batch: number): Promise<Float32Array> {
    checkPatchInput(this.name, this.patchSize, patches, batch);
    const out = await this.session.run(patches, [batch, 1, this.patchSize, this.patchSize]);
    return out instanceof Float32Array ? out : Float32Array.from(out);
  }

  dispose(): void {
    void this.session.release();
  }
}
