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
