/**
 * The authors' `WarmupCos_Scheduler` (utils/helpfunc.py): `warmupEpochs x itersPerEpoch` steps
 * linearly from `warmupLr` to `baseLr` (numpy linspace, both ends included), then a cosine from
 * `baseLr` towards `finalLr` over the remaining epochs (`final + (base - final)/2 (1 + cos(pi i / n))`,
 * i = 0..n-1). `step()` is called before each optimiser step and sets the rate of entry `iter`, so
 * optimiser step k (0-based) uses entry k.
 */
export interface WarmupCosine {
  warmupLr: number;
  baseLr: number;
  finalLr: number;
  warmupEpochs: number;
  epochs: number;
  itersPerEpoch: number;
}

export function warmupCosineSchedule(s: WarmupCosine): Float64Array {
  const warm = s.itersPerEpoch * s.warmupEpochs;
  const decay = s.itersPerEpoch * (s.epochs - s.warmupEpochs);
  const out = new Float64Array(warm + Math.max(0, decay));
  for (let i = 0; i < warm; i++) out[i] = warm === 1 ? s.warmupLr : s.warmupLr + ((s.baseLr - s.warmupLr) * i) / (warm - 1);
  for (let i = 0; i < decay; i++) out[warm + i] = s.finalLr + 0.5 * (s.baseLr - s.finalLr) * (1 + Math.cos((Math.PI * i) / decay));
  return out;
}
