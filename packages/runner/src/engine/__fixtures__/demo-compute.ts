import type { CellContext, CellSpec, CellValue } from '../types';
import { demoKind } from './demo-kind';

/**
 * The demo kind as a compute module (what pool processes and queue workers load), so that a test
 * replay of demo/table1 can run its cells in other processes; the worker's name is stamped as the
 * engine's computeCell does.
 */
export async function computeCell(spec: CellSpec, ctx: CellContext): Promise<CellValue> {
  const v = await demoKind.compute(spec, ctx);
  return { ...v, extra: { ...(v.extra ?? {}), worker: ctx.worker, pid: process.pid } };
}

export const DEMO_COMPUTE = require.resolve('./demo-compute.ts');
