import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-heap';
import { heapOffset, trainKernels, withScratch } from './wasm-train-module';

const SUM = Symbol.for('descbench.wasmBlockSum');
const MEAN = Symbol.for('descbench.wasmBlockMean');

/**
 * A reduction over a contiguous block of axes that excludes the last one, as `[outer, M, N]`
 * (reduce M); `undefined` for any other reduction (the last axis, scattered axes, all axes).
 */
export function blockReduction(shape: readonly number[], axis: number | number[] | null | undefined): { outer: number; m: number; n: number; outShape: number[]; keptShape: number[] } | undefined {
  const rank = shape.length;
  // tfjs passes axis = null for a reduction over all axes
  if (axis === null || axis === undefined) return undefined;
  const list = Array.isArray(axis) ? axis : [axis];
  if (list.some((a) => !Number.isInteger(a))) return undefined;
  const axes = [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (axes.length === 0) return undefined;
  const first = axes[0]!;
  const last = axes.at(-1)!;
  if (last - first + 1 !== axes.length || last >= rank - 1) return undefined;
  const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
  return {
    outer: prod(shape.slice(0, first)),
    m: prod(shape.slice(first, last + 1)),
    n: prod(shape.slice(last + 1)),
    outShape: shape.filter((_, i) => i < first || i > last),
    keptShape: shape.map((d, i) => (i >= first && i <= last ? 1 : d)),
  };
}

function reduceBlock(args: Parameters<tf.KernelFunc>[0], mean: boolean): tf.TensorInfo | undefined {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as { axis: number | number[] | null; keepDims: boolean };
  if (x.dtype !== 'float32') return undefined;
  const r = blockReduction(x.shape, axis);
  // Small tensors: wasm's own kernel is as fast and this saves nothing.
  if (r === undefined || r.m * r.n * r.outer < 4096) return undefined;
  const { k, be } = trainKernels(args.backend);
  const out = be.makeOutput(keepDims ? r.keptShape : r.outShape, 'float32');
  const { outer, m, n } = r;
  // float64 accumulators in row order (reduce.c's block_sum), scaled once at the end
  withScratch(be, n * 8, (acc) => k.block_sum(heapOffset(be, x), heapOffset(be, out), acc, outer, m, n, mean ? 1 / m : 1));
  return out;
}

/**
 * `Sum` and `Mean` on wasm over a contiguous block of axes other than the last, e.g. the
 * per-channel gradient sums over [B, H, W] of a broadcast weight, or FRN's mean over [H, W] of
 * NHWC maps: wasm transposes the reduced axes to the end first (a full copy) and then reduces;
 * here it is one SIMD pass over the input on the wasm heap (reduce.c), accumulating in float64. Other
 * reductions go to wasm's own kernels.
 */
export function registerWasmBlockReduce(): boolean {
  const a = overrideWasmKernel('Sum', SUM, (args) => reduceBlock(args, false), tf);
  const b = overrideWasmKernel('Mean', MEAN, (args) => reduceBlock(args, true), tf);
  return a || b;
}
