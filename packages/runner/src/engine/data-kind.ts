import { InputError } from '@descbench/core';
import type { CellSpec, DataKind } from './types';

/**
 * The data kind a cell declares before it runs: `settings.data.kind` (kinds put their resolved
 * data there, with its manifest). Used to refuse a replay that would mix real and generated data.
 */
export function declaredDataKind(spec: CellSpec): DataKind | undefined {
  const d = spec.settings.data as { kind?: unknown } | undefined;
  return d !== undefined && (d.kind === 'real' || d.kind === 'synthetic') ? d.kind : undefined;
}

/** Refuse cells of one table that resolve to different data kinds (issue: never mixed under one label). */
export function assertOneDataKind(t: string, kinds: { what: string; data: DataKind }[]): DataKind {
  const real = kinds.filter((k) => k.data === 'real').map((k) => k.what);
  const synthetic = kinds.filter((k) => k.data === 'synthetic').map((k) => k.what);
  if (real.length > 0 && synthetic.length > 0) {
    const list = (xs: string[]): string => [...new Set(xs)].slice(0, 4).join(', ');
    throw new InputError(
      `${t}: real and generated data would be mixed under one label (real: ${list(real)}; generated: ${list(synthetic)}); fetch the missing real data, or pass --data synthetic for a pipeline check`,
      { at: '--data' },
    );
  }
  return real.length > 0 ? 'real' : 'synthetic';
}
