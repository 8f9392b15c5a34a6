import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { computeCell } from './kinds';
import type { CellValue, Executor, KeyedCell } from './types';

/** What every executor needs to build a cell's context. */
export interface ExecutorOptions {
  dataDir?: string;
  /** tfjs backend name. */
  backend: string;
  /** Parent of the per-cell scratch folders (`<workRoot>/<key prefix>`, removed after each cell). */
  workRoot: string;
}

/** Runs cells one after the other in this process (the default, and `--jobs 1`). */
export class InlineExecutor implements Executor {
  readonly name = 'inline';

  constructor(private readonly o: ExecutorOptions) {}

  async run(cells: KeyedCell[], onDone: (c: KeyedCell, v: CellValue) => void): Promise<void> {
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
