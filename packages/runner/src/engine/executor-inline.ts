import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { computeCell } from './kinds';
import { THREADS_VAR } from './pool-protocol';
import type { CellValue, Executor, KeyedCell } from './types';

/** What every executor needs to build a cell's context. */
export interface ExecutorOptions {
  dataDir?: string;
  /** tfjs backend name. */
  backend: string;
  /** Parent of the per-cell scratch folders (`<workRoot>/<key prefix>`, removed after each cell). */
  workRoot: string;
}

/** Options of the inline executor. */
export interface InlineExecutorOptions extends ExecutorOptions {
  /**
   * Compute threads of this process while it runs cells (`--jobs N` given with N below the
   * machine's cores: a replay uses at most N cores, evaluation included). Unset: the libraries'
   * own choice (onnxruntime: every core).
   */
  threads?: number;
}

/** Runs cells one after the other in this process (the default, and `--jobs 1`). */
export class InlineExecutor implements Executor {
  readonly name = 'inline';

  constructor(private readonly o: InlineExecutorOptions) {}

  async run(cells: KeyedCell[], onDone: (c: KeyedCell, v: CellValue) => void): Promise<void> {
    const restore = this.o.threads === undefined ? () => undefined : limitThreads(this.o.threads);
    try {
      await this.runAll(cells, onDone);
    } finally {
      restore();
    }
  }

  private async runAll(cells: KeyedCell[], onDone: (c: KeyedCell, v: CellValue) => void): Promise<void> {
    for (const c of cells) {
      const workDir = join(this.o.workRoot, c.key.slice(0, 16));
      mkdirSync(workDir, { recursive: true });
      try {
        const v = await computeCell(c.spec, { ...(this.o.dataDir !== undefined ? { dataDir: this.o.dataDir } : {}), backend: this.o.backend, workDir, worker: 'inline' });
        onDone(c, v);
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    }
  }
}

/**
 * Sets this process's compute threads (read by onnxruntime sessions made from now on, as in pool
 * processes) unless the user set them; returns what puts the environment back.
 */
function limitThreads(threads: number): () => void {
  const before = process.env[THREADS_VAR];
  if (before !== undefined) return () => undefined;
  process.env[THREADS_VAR] = String(threads);
  return () => {
    delete process.env[THREADS_VAR];
  };
}
