/**
 * Parameter count of SOLAR's second-order attention (SOA) block as released
 * (solar_local/models/soa_block.py): f, g = conv1x1(C -> C/k, bias) + BatchNorm(C/k, affine);
 * h = conv1x1(C -> C/k, bias); v = conv1x1(C/k -> C, bias). BatchNorm running statistics are
 * buffers and not counted. The release uses k = 4 at 64 channels and k = 2 at 128 channels.
 */
export function soaReduction(channels: number): number {
  if (channels === 64) return 4;
  if (channels === 128) return 2;
  throw new RangeError(`the released SOA block is defined for 64 or 128 channels, got ${channels}`);
}

export interface SoaParamCount {
  f: number;
  g: number;
  h: number;
  v: number;
  total: number;
  /** Conv weights only (no bias, no BatchNorm affine). */
  weights: number;
}

export function soaBlockParams(channels: number, k: number = soaReduction(channels)): SoaParamCount {
  const m = channels / k;
  if (!Number.isInteger(m)) throw new RangeError(`${channels} channels are not divisible by k = ${k}`);
  const fg = channels * m + m + 2 * m;
  const h = channels * m + m;
  const v = m * channels + channels;
  return { f: fg, g: fg, h, v, total: 2 * fg + h + v, weights: 4 * channels * m };
}

export function soaBlockParamCount(channels: number): number {
  return soaBlockParams(channels).total;
}
