import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { InputError } from '@descbench/core';
import type { CellContext, CellSpec, CellValue } from '../types';

/**
 * A test-only compute module: a cell's values are a hash of its spec (pure, cheap), after
 * `settings.ms` milliseconds; `settings.fail` throws ('input' or 'bug'); `settings.crashOnce`
 * (a marker file) kills the process the first time, as an OOM kill would.
 */
export async function computeCell(spec: CellSpec, ctx: CellContext): Promise<CellValue> {
  const s = spec.settings as { ms?: number; fail?: 'input' | 'bug'; crashOnce?: string };
  if (s.fail === 'input') throw new InputError(`cell ${spec.row}: bad settings`, { at: 'test-kind' });
  if (s.fail === 'bug') throw new Error(`cell ${spec.row}: a bug`);
  if (s.crashOnce !== undefined && !existsSync(s.crashOnce)) {
    writeFileSync(s.crashOnce, 'crashed');
    process.kill(process.pid, 'SIGKILL');
  }
  const threadsAtStart = process.env.DESCBENCH_THREADS ?? null;
  const steps = 4;
  for (let i = 1; i <= steps; i++) {
    await new Promise((r) => setTimeout(r, (s.ms ?? 0) / steps));
    ctx.onProgress?.(i, steps);
  }
  const h = createHash('sha256').update(JSON.stringify(spec)).digest();
  const values: Record<string, number> = {};
  spec.columns.forEach((c, i) => {
    values[c] = h.readUInt32LE(4 * i) / 2 ** 32 + h.readUInt32LE(4 * i + 16) / 2 ** 64;
  });
  return {
    values,
    data: 'synthetic',
    extra: { worker: ctx.worker, pid: process.pid, threads: process.env.DESCBENCH_THREADS ?? null, threadsAtStart, workDir: existsSync(ctx.workDir), backend: ctx.backend },
  };
}
