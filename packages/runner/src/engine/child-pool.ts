import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, log } from '@descbench/core';
import { ONE_THREAD_ENV, threadBudget, type ChildMessage, type ParentMessage, type RunCellMessage } from './pool-protocol';
import type { CellValue, KeyedCell } from './types';

export interface ChildPoolOptions {
  /** Processes (at most this many run at once; started on demand). */
  size: number;
  /** Module exporting `computeCell(spec, ctx)`; default: the engine's kinds module. */
  computeModule?: string;
  /** tfjs backend name handed to every cell. */
  backend: string;
  dataDir?: string;
  /** Each cell gets a private scratch folder under it, removed when the cell finishes. */
  workRoot: string;
  /** The `worker` recorded for a cell run by process `pid` (default `pid:<pid>`). */
  workerName?: (pid: number) => string;
  /** A cell started in a process. */
  onStart?: (cell: KeyedCell, worker: string) => void;
  /** Progress inside a cell (steps). */
  onProgress?: (cell: KeyedCell, done: number, total: number) => void;
  /** Times a cell is rerun after its process died under it (a crash, an OOM kill). Default 1. */
  crashRetries?: number;
  /** Cores the busy processes share once no cell waits (threadBudget). Default: this machine's. */
  cores?: number;
}

interface Task {
  cell: KeyedCell;
  resolve: (v: CellValue) => void;
  reject: (e: Error) => void;
  crashes: number;
}

interface Slot {
  proc: ChildProcess;
  ready: boolean;
  task: Task | null;
  /** The last lines it wrote (for the error when it dies). */
  tail: string[];
  /** Compute threads last given to it. */
  threads: number;
}

/** The compiled entry next to this file, or (running from source: jest, tsx) the TS one through tsx. */
function childEntry(computeModule: string): { file: string; execArgv: string[] } {
  const js = join(__dirname, 'pool-child.js');
  const fromSource = !existsSync(js) || computeModule.endsWith('.ts');
  if (!fromSource) return { file: js, execArgv: [] };
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  return { file: join(__dirname, 'pool-child.ts'), execArgv: ['--import', tsx] };
}

function defaultComputeModule(): string {
  const js = join(__dirname, 'kinds.js');
  return existsSync(js) ? js : join(__dirname, 'kinds.ts');
}

/**
 * A fixed number of Node processes, each computing one cell at a time through the compute
 * module (`pool-child`). Cells wait in FIFO order for a free process. A process that dies under a
 * cell is replaced and the cell rerun (cells are pure, so a rerun is harmless); an error thrown by
 * a cell rejects that cell only. Every process starts with one compute thread (ONE_THREAD_ENV);
 * once no cell waits, the busy ones share the cores the idle ones left (threadBudget).
 */
export class ChildPool {
  private readonly slots: (Slot | null)[];
  private readonly waiting: Task[] = [];
  private readonly computeModule: string;
  private closed = false;

  constructor(private readonly o: ChildPoolOptions) {
    if (!Number.isInteger(o.size) || o.size < 1) throw new InputError(`--jobs must be a positive integer, got ${o.size}`, { at: '--jobs' });
    this.slots = Array.from({ length: o.size }, () => null);
    this.computeModule = o.computeModule ?? defaultComputeModule();
  }

  get size(): number {
    return this.slots.length;
  }

  /** Cells started and not yet finished. */
  get running(): number {
    return this.slots.filter((s) => s?.task != null).length;
  }

  compute(cell: KeyedCell): Promise<CellValue> {
    if (this.closed) return Promise.reject(new Error('the process pool is closed'));
    return new Promise<CellValue>((resolve, reject) => {
      this.waiting.push({ cell, resolve, reject, crashes: 0 });
      this.dispatch();
    });
  }

  /** Drop the cells that have not started (their promises reject); running ones finish. */
  cancelWaiting(reason: string): void {
    for (const t of this.waiting.splice(0)) t.reject(new Error(reason));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelWaiting('the process pool was closed');
    await Promise.all(
      this.slots.map(async (s) => {
        if (s === null || s.proc.exitCode !== null || s.proc.signalCode !== null) return;
        const exited = new Promise<void>((r) => s.proc.once('exit', () => r()));
        s.proc.kill('SIGTERM');
        await exited;
      }),
    );
  }

  private dispatch(): void {
    for (let i = 0; i < this.slots.length && this.waiting.length > 0; i++) {
      let slot = this.slots[i] ?? null;
      if (slot === null) slot = this.slots[i] = this.spawn(i);
      if (!slot.ready || slot.task !== null) continue;
      const task = this.waiting.shift() as Task;
      this.start(slot, task);
    }
    this.rebalance();
  }

  private start(slot: Slot, task: Task): void {
    const pid = slot.proc.pid as number;
    const worker = this.o.workerName?.(pid) ?? `pid:${pid}`;
    const workDir = join(this.o.workRoot, task.cell.key.slice(0, 16));
    mkdirSync(workDir, { recursive: true });
    slot.task = task;
    slot.threads = this.budget();
    const msg: RunCellMessage = {
      type: 'cell',
      key: task.cell.key,
      spec: task.cell.spec,
      ctx: { backend: this.o.backend, workDir, worker, ...(this.o.dataDir !== undefined ? { dataDir: this.o.dataDir } : {}) },
      threads: slot.threads,
    };
    // a process that died meanwhile fails the send; its exit handler runs the cell again
    slot.proc.send(msg, ignoreSendError);
    this.o.onStart?.(task.cell, worker);
  }

  private budget(): number {
    return threadBudget(this.waiting.length, this.running, this.o.cores ?? availableParallelism());
  }

  /** Give the busy processes the threads the idle ones left (or take them back when cells wait again). */
  private rebalance(): void {
    const n = this.budget();
    for (const s of this.slots) {
      if (s === null || s.task === null || s.threads === n || !s.proc.connected) continue;
      s.threads = n;
      s.proc.send({ type: 'threads', threads: n } satisfies ParentMessage, ignoreSendError);
    }
  }

  private finish(slot: Slot): Task | null {
    const task = slot.task;
    slot.task = null;
    if (task !== null) rmSync(join(this.o.workRoot, task.cell.key.slice(0, 16)), { recursive: true, force: true });
    return task;
  }

  private spawn(index: number): Slot {
    const { file, execArgv } = childEntry(this.computeModule);
    const proc = fork(file, [this.computeModule], {
      execArgv,
      env: { ...process.env, ...ONE_THREAD_ENV },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const slot: Slot = { proc, ready: false, task: null, tail: [], threads: 1 };
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        slot.tail.push(line);
        if (slot.tail.length > 20) slot.tail.shift();
        // A cell's own progress and info lines would interleave across processes; warnings and errors pass.
        if (/^(warning|error)/i.test(line)) log.info(`[pid:${proc.pid}] ${line}`);
        else log.debug(`[pid:${proc.pid}] ${line}`);
      }
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.dispatch();
        return;
      }
      if (slot.task === null || m.key !== slot.task.cell.key) return;
      if (m.type === 'progress') {
        this.o.onProgress?.(slot.task.cell, m.done, m.total);
        return;
      }
      const task = this.finish(slot) as Task;
      if (m.type === 'done') task.resolve(m.value);
      else if (m.input) task.reject(new InputError(m.message));
      else {
        const e = new Error(`cell ${describeCell(task.cell)}: ${m.message}`);
        if (m.stack !== undefined) e.stack = m.stack;
        task.reject(e);
      }
      // after the cell's handlers ran (a failure cancels the waiting cells first)
      setImmediate(() => this.dispatch());
    });
    proc.on('exit', (code, signal) => {
      if (this.slots[index] === slot) this.slots[index] = null;
      const task = this.finish(slot);
      if (task === null) {
        if (!this.closed && !slot.ready) this.failAll(new Error(`a pool process could not start (exit ${code ?? signal}): ${slot.tail.slice(-5).join(' | ')}`));
        return;
      }
      const why = `pool process pid:${proc.pid} died under cell ${describeCell(task.cell)} (${signal ?? `exit ${code}`})`;
      if (!this.closed && task.crashes < (this.o.crashRetries ?? 1)) {
        log.warn(`${why}; running it again`);
        task.crashes++;
        this.waiting.unshift(task);
      } else task.reject(new Error(`${why}; last output: ${slot.tail.slice(-5).join(' | ')}`));
      if (!this.closed) this.dispatch();
    });
    return slot;
  }

  private failAll(e: Error): void {
    for (const t of this.waiting.splice(0)) t.reject(e);
  }
}

/** A send to a process that has just died (its 'exit' handler deals with its cell). */
function ignoreSendError(): void {}

/** `row unit seed` of a cell, for messages. */
export function describeCell(c: KeyedCell): string {
  return `${c.spec.row} ${c.spec.unit} seed ${c.spec.seed}`;
}
