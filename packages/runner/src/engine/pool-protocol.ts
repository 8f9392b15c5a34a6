import type { CellContext, CellSpec, CellValue } from './types';

/** Messages between a pool process (pool-child) and its parent, over Node's IPC channel ('advanced' serialisation). */

/** Parent -> child: compute one cell. The child runs one cell at a time. */
export interface RunCellMessage {
  type: 'cell';
  key: string;
  spec: CellSpec;
  ctx: Omit<CellContext, 'onProgress'>;
  /** Compute threads the cell may use (THREADS_VAR). */
  threads: number;
}

/** Parent -> child: compute threads from now on (cores freed at the end of a table, or taken back). */
export interface ThreadsMessage {
  type: 'threads';
  threads: number;
}

export type ParentMessage = RunCellMessage | ThreadsMessage;

/** What a pool process's compute threads are read from when a session is made (onnxruntime's intra-op pool). */
export const THREADS_VAR = 'DESCBENCH_THREADS';

/**
 * Compute threads of each busy pool process: one while cells wait (every core has a process),
 * else the machine's cores shared among the busy processes, so that the last cells of a table use
 * the cores the idle processes left (onnxruntime's evaluation; wasm training stays on one).
 */
export function threadBudget(waiting: number, busy: number, cores: number): number {
  if (waiting > 0 || busy < 1) return 1;
  return Math.max(1, Math.floor(cores / busy));
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
