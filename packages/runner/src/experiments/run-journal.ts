import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

/** One finished unit of work of a run: a metric for one table cell and one seed. */
export interface CellRecord {
  row: string;
  column: string;
  seed: number;
  value: number;
  /** Anything worth keeping with it (e.g. training time, final loss). */
  extra?: Record<string, unknown>;
}

/**
 * The journal of a run in progress: one JSON line per finished cell, appended and fsynced, so
 * that a run that is killed resumes where it stopped. A torn last line (a kill during the write)
 * is ignored on reading. The journal is removed once the run's results are written.
 */
export class RunJournal {
  private readonly done = new Map<string, CellRecord>();

  constructor(readonly path: string) {
    if (!existsSync(path)) return;
    const lines = readFileSync(path, 'utf8').split('\n');
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as CellRecord;
        this.done.set(RunJournal.key(r.row, r.column, r.seed), r);
      } catch {
        // a torn line from an interrupted append: that cell is simply run again
      }
    }
  }

  static key(row: string, column: string, seed: number): string {
    return `${row}\u0000${column}\u0000${seed}`;
  }

  get(row: string, column: string, seed: number): CellRecord | undefined {
    return this.done.get(RunJournal.key(row, column, seed));
  }

  get size(): number {
    return this.done.size;
  }

  records(): CellRecord[] {
    return [...this.done.values()];
  }

  append(r: CellRecord): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a');
    try {
      appendFileSync(fd, `${JSON.stringify(r)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.done.set(RunJournal.key(r.row, r.column, r.seed), r);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
