import type { CellContext, CellSpec, CellValue } from './types';

/** Messages between a pool process (pool-child) and its parent, over Node's IPC channel ('advanced' serialisation). */

/** Parent -> child: compute one cell. The child runs one cell at a time. */
export interface RunCellMessage {
  type: 'cell';
  key: string;
  spec: CellSpec;
  ctx: Omit<CellContext, 'onProgress'>;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; key: string; done: number; total: number }
  | { type: 'done'; key: string; value: CellValue }
  | { type: 'error'; key: string; message: string; input: boolean; stack?: string };

/** What a compute module exports (the engine's kinds module; a test kind in tests). */
export interface ComputeModule {
  computeCell(spec: CellSpec, ctx: CellContext): Promise<CellValue>;
}

/**
 * Environment of every pool process: one compute thread each, so that N processes use N cores
 * instead of N x cores (onnxruntime's intra-op pool reads DESCBENCH_THREADS; OpenMP and
 * TensorFlow builds read theirs; tfjs's wasm backend is single-threaded under Node).
 */
export const ONE_THREAD_ENV: Record<string, string> = {
  DESCBENCH_THREADS: '1',
  OMP_NUM_THREADS: '1',
  TF_NUM_INTRAOP_THREADS: '1',
  TF_NUM_INTEROP_THREADS: '1',
};
