import { log } from '@descbench/core';
import type { KeyedCell } from './types';

type CellState = { state: 'waiting' } | { state: 'running'; where: string } | { state: 'done' };

const MARK = { waiting: '·', running: '>', done: '#' } as const;

/**
 * The whole table of a replay at a glance, for runs on several processes or machines: one line
 * per row, one column per unit (training subset, split...), one mark per seed (`#` done, `>`
 * running, `·` waiting), then which cells run where. Printed on stderr when the run starts and
 * every `everyMs` while it runs, beside the progress bar's count and ETA.
 */
export class CellBoard {
  private readonly states = new Map<string, CellState>();
  /** Called once, at the first cell started after `show` (the board then shows where cells run). */
  private firstStart: (() => void) | undefined;

  constructor(
    private readonly table: string,
    private readonly cells: KeyedCell[],
    done: ReadonlySet<string>,
  ) {
    for (const c of cells) this.states.set(c.key, done.has(c.key) ? { state: 'done' } : { state: 'waiting' });
  }

  started(c: KeyedCell, where: string): void {
    if (this.states.get(c.key)?.state !== 'done') this.states.set(c.key, { state: 'running', where });
    const first = this.firstStart;
    this.firstStart = undefined;
    first?.();
  }

  finished(c: KeyedCell): void {
    this.states.set(c.key, { state: 'done' });
  }

  /** The board as lines (no trailing newline). */
  render(executor: string): string[] {
    const count = { waiting: 0, running: 0, done: 0 };
    for (const s of this.states.values()) count[s.state]++;
    const rows = [...new Set(this.cells.map((c) => c.spec.row))];
    const units = [...new Set(this.cells.map((c) => c.spec.unit))];
    const at = new Map<string, KeyedCell[]>();
    for (const c of this.cells) {
      const k = `${c.spec.row}\u0000${c.spec.unit}`;
      at.set(k, [...(at.get(k) ?? []), c]);
    }
    const grid = rows.map((r) => [
      r,
      ...units.map((u) =>
        (at.get(`${r}\u0000${u}`) ?? [])
          .sort((a, b) => a.spec.seed - b.spec.seed)
          .map((c) => MARK[(this.states.get(c.key) as CellState).state])
          .join(''),
      ),
    ]);
    const head = ['', ...units];
    const widths = head.map((h, i) => Math.max(h.length, ...grid.map((g) => (g[i] as string).length)));
    const line = (cols: string[]): string => `  ${cols.map((x, i) => x.padEnd(widths[i] as number)).join('  ')}`.trimEnd();
    const where = new Map<string, string[]>();
    for (const c of this.cells) {
      const s = this.states.get(c.key) as CellState;
      if (s.state === 'running') where.set(s.where, [...(where.get(s.where) ?? []), `${c.spec.row} ${c.spec.unit} s${c.spec.seed}`]);
    }
    return [
      `${this.table} on ${executor}: ${this.cells.length} cell(s), ${count.done} done, ${count.running} running, ${count.waiting} waiting (${MARK.done} done, ${MARK.running} running, ${MARK.waiting} waiting; one mark per seed)`,
      line(head),
      ...grid.map(line),
      ...[...where].sort(([a], [b]) => a.localeCompare(b)).map(([w, cs]) => `  ${w}: ${cs.join(', ')}`),
    ];
  }

  /**
   * Print the board now, `soonMs` after the first cell starts (by then every process or worker has
   * its first cell: where cells run), and every `everyMs`; returns the function that stops it.
   */
  show(executor: string, everyMs: number, soonMs = 3000): () => void {
    const print = (): void => log.info(this.render(executor).join('\n'));
    print();
    let soon: NodeJS.Timeout | undefined;
    this.firstStart = () => {
      soon = setTimeout(print, soonMs);
      soon.unref();
    };
    const timer = setInterval(print, everyMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      clearTimeout(soon);
      this.firstStart = undefined;
    };
  }
}
