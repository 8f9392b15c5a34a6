import { InputError } from '@descbench/core';
import { createOnnxSession } from './backends/onnx';
import { checkPatchInput } from './descriptor';
import { buildOnnxModel } from './onnx-graph';
import { resolveWeights } from './registry';
import { layerShapes } from './spec';
import type { ModelOptions } from './types';

/** One SOA block's attention of one query position (SOLAR Fig. 1). */
export interface AttentionMap {
  /** The L2-Net layer the block follows. */
  after: number;
  /** Attention grid side (16 after layers 3-4, 8 after 5-6) and the patch pixels per cell. */
  grid: number;
  stride: number;
  /** Query cell of `(x, y)`. */
  query: { col: number; row: number };
  /** Softmax weights of the query row over all positions, `[grid, grid]` row-major (sums to 1). */
  weights: Float32Array;
}

/**
 * Attention maps of every SOA block of a `sosnet+soa*` model for one `[1, 1, 32, 32]` patch, at
 * query pixel `(x, y)` of the patch (0-based, 0..31). Runs the ONNX graph with the attention
 * matrices as extra outputs.
 */
export async function soaAttention(name: string, patch: Float32Array, x: number, y: number, o: ModelOptions = {}): Promise<AttentionMap[]> {
  const { spec, stateDict } = await resolveWeights(name, o);
  const blocks = spec.layers.map((l, i) => ({ l, i })).filter((b) => b.l.op === 'soa');
  if (blocks.length === 0) throw new InputError(`model "${name}" has no SOA block; use a sosnet+soa* model`);
  checkPatchInput(name, spec.patchSize, patch, 1);
  if (!(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < spec.patchSize && y < spec.patchSize)) {
    throw new InputError(`query point (${x}, ${y}) is outside the ${spec.patchSize}x${spec.patchSize} patch`, { at: '--at' });
  }
  const session = await createOnnxSession(buildOnnxModel(spec, stateDict, { attentionOutputs: true }));
  try {
    const outs = await session.runAll(patch, [1, 1, spec.patchSize, spec.patchSize]);
    const shapes = layerShapes(spec);
    return blocks.map(({ l, i }) => {
      if (l.op !== 'soa') throw new Error('unreachable');
      const grid = shapes[i]![1];
      const stride = spec.patchSize / grid;
      const col = Math.floor(x / stride);
      const row = Math.floor(y / stride);
      const n = grid * grid;
      const a = outs[`attention_soa${l.after}`];
      if (a === undefined) throw new Error(`ONNX graph lacks attention_soa${l.after}`);
      const q = row * grid + col;
      return { after: l.after, grid, stride, query: { col, row }, weights: Float32Array.from(a.data.subarray(q * n, (q + 1) * n)) };
    });
  } finally {
    await session.release();
  }
}
