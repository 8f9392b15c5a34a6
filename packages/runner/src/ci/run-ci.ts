import { resolve } from 'node:path';
import type { Registry } from '@descbench/core';
import { findBenchmarksDir } from '../tables/catalog';
import type { ReferenceTable } from '../tables/reference-table';
import { auditCheck } from './audit-check';
import type { CiCheckResult, CiContext } from './check';
import { exactCheck } from './exact-check';
import { goldenChecks } from './golden-check';
import { replayCheck, type CiReplay, type CiReplayRunner } from './replay-check';

export interface CiOptions {
  /** Default: results/baselines beside benchmarks/. */
  baselinesDir?: string;
  update?: boolean;
  /** The replays to run (default: none; the CLI passes CI_REPLAYS and the engine's runner). */
  replays?: CiReplay[];
  runReplay?: CiReplayRunner;
  /** Skip the replays (the fast checks only). */
  skipReplays?: boolean;
  /** Called after each check (progress lines). */
  onResult?: (r: CiCheckResult) => void;
}

export interface CiReport {
  results: CiCheckResult[];
  seconds: number;
  /** 1 when any check failed (never in --update-baselines mode), else 0. */
  exit_code: 0 | 1;
}

export function defaultBaselinesDir(): string {
  return resolve(findBenchmarksDir(), '..', 'results', 'baselines');
}

/**
 * `bench ci`: the audit against its pinned findings, the exact invariants, the golden outputs
 * (with ../shared) and the tiny replays against their baselines, in that order (cheapest first).
 */
export async function runCi(catalog: Registry<ReferenceTable>, o: CiOptions = {}): Promise<CiReport> {
  const t0 = Date.now();
  const ctx: CiContext = { baselinesDir: o.baselinesDir ?? defaultBaselinesDir(), update: o.update ?? false };
  const results: CiCheckResult[] = [];
  const add = (r: CiCheckResult): void => {
    results.push(r);
    o.onResult?.(r);
  };
  add(auditCheck(catalog, ctx));
  add(exactCheck(ctx));
  for (const g of await goldenChecks()) add(g);
  if (!o.skipReplays && o.runReplay !== undefined) {
    for (const r of o.replays ?? []) add(await replayCheck(catalog, r, o.runReplay, ctx));
  }
  const failed = results.some((r) => r.verdict === 'fail');
  return { results, seconds: (Date.now() - t0) / 1000, exit_code: failed ? 1 : 0 };
}
