import { hynetNormVariantSpec, hynetSpec } from './hynet';
import { paramSpecs } from './spec';

const convWeights = (spec: ReturnType<typeof hynetSpec>): number =>
  paramSpecs(spec)
    .filter((p) => p.trainable && spec.layers[p.layer]?.op === 'conv')
    .reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);

describe('HyNet norm-type variants (Table 3)', () => {
  it('keep HyNet convolutions and key layout, swap FRN + TLU for BN / IN + ReLU', () => {
    const ref = hynetSpec();
    for (const norm of ['bn', 'in'] as const) {
      const v = hynetNormVariantSpec(norm);
      expect(convWeights(v)).toBe(convWeights(ref));
      const convKeys = (s: typeof ref): string[] => s.layers.flatMap((l) => (l.op === 'conv' ? [l.key] : []));
      expect(convKeys(v)).toEqual(convKeys(ref));
      expect(v.layers.some((l) => l.op === 'frn' || l.op === 'tlu')).toBe(false);
      expect(v.layers.filter((l) => l.op === 'relu')).toHaveLength(6);
    }
    const bnKeys = paramSpecs(hynetNormVariantSpec('bn')).map((p) => p.key);
    expect(bnKeys).toContain('layer1.3.running_mean');
    expect(bnKeys).toContain('layer7.2.running_var');
    expect(paramSpecs(hynetNormVariantSpec('in')).filter((p) => p.trainable && !p.key.endsWith('.weight') && !p.key.endsWith('.bias'))).toEqual([]);
  });
});
