/**
 * ASMK's selective function sigma_alpha(u) = sign(u) |u|^alpha for u > tau, else 0
 * (Tolias et al., ICCV 2013); HOW / FIRe use alpha = 3, tau = 0.
 */
export interface SelectiveKernel {
  alpha: number;
  threshold: number;
}

export const ASMK_KERNEL: SelectiveKernel = { alpha: 3, threshold: 0 };

export function selectiveKernel(u: number, k: SelectiveKernel): number {
  if (!(u > k.threshold)) return 0;
  return Math.sign(u) * Math.abs(u) ** k.alpha;
}
