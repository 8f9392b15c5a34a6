import { loadUbcDataset, resolveUbcSubset, UBC_SUBSETS, type DataChoice, type UbcSubset } from '@descbench/datasets';
import { InputError } from '@descbench/core';
import type { TrainingData } from './trainer';

/** `ubc:<subset>` as commands write a UBC training set. */
export function parseUbcDataSpec(spec: string, flag = '--data'): UbcSubset {
  const m = /^ubc:(\w+)$/.exec(spec);
  const subset = m?.[1];
  if (subset === undefined || !(UBC_SUBSETS as readonly string[]).includes(subset)) {
    throw new InputError(`expected ubc:<subset> with subset one of ${UBC_SUBSETS.join(', ')}, got ${JSON.stringify(spec)}`, { at: flag });
  }
  return subset as UbcSubset;
}

export interface UbcSourceOptions {
  data?: DataChoice;
  dataDir?: string;
  /** Patches per generated subset (synthetic data only). */
  patches?: number;
}

/** Load a UBC subset at 32x32 (HardNet's 2x2 box resize), real or generated. */
export function loadUbcSubset(name: UbcSubset, o: UbcSourceOptions = {}): { name: string; ds: ReturnType<typeof loadUbcDataset>; kind: 'real' | 'synthetic' } {
  const r = resolveUbcSubset(name, { ...(o.data ? { data: o.data } : {}), ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...(o.patches ? { patches: o.patches } : {}) });
  const ds = loadUbcDataset(r.dir, { size: 32, resize: 'box2x2', progress: false });
  if (ds.pairs === undefined) throw new InputError('has no m50 pair file to evaluate on', { file: r.dir });
  return { name: `${r.kind === 'synthetic' ? 'synthetic ' : ''}ubc:${name}`, ds, kind: r.kind };
}

/** Training set `train` with held-out pairs from `heldOut` (the UBC protocol: another subset). */
export function ubcTrainingData(train: UbcSubset, heldOut: UbcSubset, o: UbcSourceOptions = {}): TrainingData {
  const t = loadUbcSubset(train, o);
  const h = loadUbcSubset(heldOut, o);
  return {
    name: t.name,
    patches: t.ds.patches,
    pointIds: t.ds.pointIds,
    heldOut: { name: h.name, patches: h.ds.patches, pairs: h.ds.pairs! },
  };
}
