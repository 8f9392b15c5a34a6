import { ChildPool, type ChildPoolOptions } from './child-pool';
import type { CellValue, Executor, KeyedCell } from './types';

/**
 * `--jobs N`: the cells in N processes on this machine (one compute thread each while cells wait;
 * the last cells of a table share the cores the idle processes left). Each cell is a
 * pure function of its spec, so the values are those of an inline run, byte for byte, whatever
 * the order they finish in. On the first failing cell, the cells not yet started are dropped,
 * the running ones finish (and are reported, so a journal keeps them), then `run` rejects.
 */
export class ProcessPoolExecutor implements Executor {
  readonly name: string;
  private readonly pool: ChildPool;

  constructor(o: ChildPoolOptions) {
    this.pool = new ChildPool(o);
    this.name = `pool:${o.size}`;
  }

  async run(cells: KeyedCell[], onDone: (c: KeyedCell, v: CellValue) => void): Promise<void> {
    let first: unknown;
    const settled = await Promise.allSettled(
      cells.map((c) =>
        this.pool.compute(c).then(
          (v) => onDone(c, v),
          (e: unknown) => {
            if (first === undefined) {
              first = e;
              this.pool.cancelWaiting('cancelled: another cell failed');
            }
            throw e;
          },
        ),
      ),
    );
    if (first !== undefined) throw first;
    // onDone itself may throw (e.g. the journal cannot be written)
    const bad = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (bad !== undefined) throw bad.reason;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
