import { forwardCost, forwardMacs } from './forward-macs';
import { modelSpec } from './registry';
import type { NetSpec } from './spec';

test('forward multiply-adds: convolutions and linear layers counted by hand', () => {
  const spec: NetSpec = {
    arch: 'toy',
    patchSize: 8,
    dim: 4,
    layers: [
      { op: 'conv', key: 'c1', cin: 1, cout: 2, k: 3, stride: 1, pad: 1, bias: false }, // 2*1*9 * 8*8 = 1152
      { op: 'relu' },
      { op: 'conv', key: 'c2', cin: 2, cout: 4, k: 2, stride: 2, pad: 0, bias: true }, // 4*2*4 * 4*4 = 512
      { op: 'flatten' },
      { op: 'linear', key: 'fc', cin: 64, cout: 4, bias: false }, // 256
    ],
  };
  expect(forwardMacs(spec)).toBe(1152 + 512 + 256);
});

test('SOLAR: every SOA block adds work; SOSNet+ is L2-Net sized', () => {
  const base = forwardMacs(modelSpec('sosnet+'));
  // L2-Net's convolutions on a 32x32 patch: about 39 M multiply-adds
  expect(base).toBeGreaterThan(35e6);
  expect(base).toBeLessThan(45e6);
  expect(forwardMacs(modelSpec('sosnet+soa3'))).toBeGreaterThan(base);
  expect(forwardMacs(modelSpec('sosnet+soa345'))).toBeGreaterThan(forwardMacs(modelSpec('sosnet+soa34')));
});

test('forward cost: SOA attention weighs more than its multiply-adds, in the order onnxruntime measured', () => {
  const cost = (m: string): number => forwardCost(modelSpec(m));
  expect(cost('sosnet+')).toBe(forwardMacs(modelSpec('sosnet+')));
  // measured time per patch relative to sosnet+: soa3 1.32x, soa345 1.70x
  expect(cost('sosnet+soa3') / cost('sosnet+')).toBeCloseTo(1.32, 1);
  expect(cost('sosnet+soa345') / cost('sosnet+')).toBeCloseTo(1.7, 1);
  expect(cost('sosnet+soa34')).toBeGreaterThan(cost('sosnet+soa3'));
});
