import { layerShapes, type NetSpec } from './spec';

/**
 * Multiply-adds of one patch's forward pass through a spec: convolutions (Cout x Cin x k^2 per
 * output position), linear layers, and SOA blocks (the f, g, h, v 1x1 convolutions and the two
 * N x N products of attention over the N = H x W positions). Normalisations, activations and
 * pooling are left out (a few per cent). A cost model for scheduling and estimates, not a count
 * any table prints.
 */
export function forwardMacs(spec: NetSpec): number {
  const shapes = layerShapes(spec);
  let macs = 0;
  spec.layers.forEach((l, i) => {
    const [c, h, w] = shapes[i]!;
    if (l.op === 'conv') macs += l.cout * l.cin * l.k * l.k * h * w;
    else if (l.op === 'linear') macs += l.cin * l.cout;
    else if (l.op === 'soa') {
      const n = h * w;
      macs += 3 * l.c * l.mid * n + l.mid * c * n + 2 * n * n * l.mid;
    }
  });
  return macs;
}

/**
 * Work per attention entry beyond its multiply-adds (softmax's exp and normalisation, the N x N
 * map's memory traffic), in multiply-add equivalents: onnxruntime on CPU describes 1,414 / 1,071 /
 * 831 patches/s with sosnet+ / sosnet+soa3 / sosnet+soa345 (one thread, batch 512), where the
 * multiply-adds alone say 39.1 / 42.2 / 48.0 M per patch.
 */
const ATTENTION_ENTRY_COST = 150;

/** A network's relative forward cost per patch: forwardMacs plus ATTENTION_ENTRY_COST per SOA attention entry. For scheduling. */
export function forwardCost(spec: NetSpec): number {
  const shapes = layerShapes(spec);
  let entries = 0;
  spec.layers.forEach((l, i) => {
    if (l.op !== 'soa') return;
    const [, h, w] = shapes[i]!;
    entries += (h * w) ** 2;
  });
  return forwardMacs(spec) + ATTENTION_ENTRY_COST * entries;
}
