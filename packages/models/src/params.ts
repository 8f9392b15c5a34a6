import { layerShapes, paramSpecs, type NetSpec } from './spec';

export interface ParamRow {
  label: string;
  /** Output `[C, H, W]` of the group. */
  outputShape: [number, number, number];
  /** Convolution / linear kernel weights only. */
  weights: number;
  /** All learnable parameters (weights, biases, affine, FRN, TLU). */
  params: number;
  /** Non-learnable buffers (running statistics, FRN eps). */
  buffers: number;
  cumulativeWeights: number;
  cumulativeParams: number;
}

/** Per-layer-group parameter table of a network spec (groups as the spec names them). */
export function paramTable(spec: NetSpec): { rows: ParamRow[]; totalParams: number; totalWeights: number } {
  const groups = spec.groups ?? spec.layers.map((l, i) => ({ start: i, label: `${i}: ${l.op}` }));
  const shapes = layerShapes(spec);
  const specs = paramSpecs(spec);
  const rows: ParamRow[] = [];
  let cw = 0;
  let cp = 0;
  groups.forEach((g, gi) => {
    const end = gi + 1 < groups.length ? groups[gi + 1]!.start : spec.layers.length;
    const inGroup = specs.filter((p) => p.layer >= g.start && p.layer < end);
    const n = (xs: typeof inGroup): number => xs.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
    const isKernel = (key: string, layer: number): boolean => {
      const l = spec.layers[layer]!;
      return key.endsWith('.weight') && (l.op === 'conv' || l.op === 'linear' || (l.op === 'soa' && !/\.[fg]\.1\.weight$/.test(key)));
    };
    const weights = n(inGroup.filter((p) => isKernel(p.key, p.layer)));
    const params = n(inGroup.filter((p) => p.trainable));
    cw += weights;
    cp += params;
    rows.push({
      label: g.label,
      outputShape: shapes[end - 1]!,
      weights,
      params,
      buffers: n(inGroup.filter((p) => !p.trainable)),
      cumulativeWeights: cw,
      cumulativeParams: cp,
    });
  });
  return { rows, totalParams: cp, totalWeights: cw };
}
