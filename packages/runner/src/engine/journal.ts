import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CellSpec, CellValue } from './types';

/** One line of a replay journal: a finished cell under its content key. */
export interface JournalEntry {
  key: string;
  spec: CellSpec;
  value: CellValue;
  /** Who computed it (`inline`, `pid:<n>`, `worker:<host>/<id>`). */
  worker: string;
  /** ISO time it arrived. */
  finished: string;
}

/**
 * The journal of a replay in progress: one JSON line per finished cell, keyed by the cell's
 * content key (see key.ts), appended and fsynced, so a killed replay resumes with only the missing
 * cells. A cell is taken from the journal only under its exact key: a changed setting, data
 * manifest or code version gives new keys, so stale lines are never reused. A torn last line (a
 * kill during the write) is ignored; that cell is simply computed again.
 */
export class CellJournal {
  private readonly done = new Map<string, JournalEntry>();

  constructor(readonly path: string) {
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (typeof e.key === 'string' && e.value !== undefined) this.done.set(e.key, e);
      } catch {
        // a torn line from an interrupted append
      }
    }
  }

  has(key: string): boolean {
    return this.done.has(key);
  }

  get(key: string): JournalEntry | undefined {
    return this.done.get(key);
  }

  get size(): number {
    return this.done.size;
  }

  entries(): JournalEntry[] {
    return [...this.done.values()];
  }

  append(e: JournalEntry): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a');
    try {
      appendFileSync(fd, `${JSON.stringify(e)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.done.set(e.key, e);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
