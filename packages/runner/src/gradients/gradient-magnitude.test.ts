import { useTfjsBackend } from '@descbench/models';
import { hybridGradients, similarityGradients, thetaGrid } from './gradient-magnitude';

describe('gradient magnitudes against theta (HyNet eq. 4 and 6, by autograd)', () => {
  beforeAll(async () => {
    await useTfjsBackend('cpu');
  });
  const thetas = thetaGrid(19);
  it('match the closed forms: g_s = |sin theta|, g_d = |sin theta| / sqrt(2 (1 - cos theta))', () => {
    const [gs, gd] = similarityGradients(thetas);
    thetas.forEach((t, i) => {
      expect(gs!.magnitude[i]).toBeCloseTo(Math.abs(Math.sin(t)), 5);
      // 1e-6 inside HyNet's sqrt: exact away from theta = 0, where the closed form tends to 1.
      if (t > 0.05) expect(gd!.magnitude[i]).toBeCloseTo(Math.abs(Math.sin(t)) / Math.sqrt(2 * (1 - Math.cos(t))), 3);
    });
    expect(gs!.magnitude[18]).toBeGreaterThan(gs!.magnitude[9]!); // increasing
    expect(gd!.magnitude[18]).toBeLessThan(gd!.magnitude[9]!); // decreasing
  });
  it('g_H lies between g_d (alpha 0) and g_s (alpha +inf), each scaled to a maximum of 1', () => {
    const [g0, g2, ginf] = hybridGradients(thetas, [0, 2, Infinity]);
    for (const c of [g0!, g2!, ginf!]) expect(Math.max(...c.magnitude)).toBeCloseTo(1, 9);
    thetas.forEach((t, i) => {
      if (t < 0.3) return;
      expect(g2!.magnitude[i]).toBeCloseTo((2 * Math.sin(t) + Math.cos(t / 2)) / Math.max(...thetas.map((u) => 2 * Math.sin(u) + Math.cos(u / 2))), 3);
    });
    expect(g2!.magnitude[18]).toBeLessThanOrEqual(ginf!.magnitude[18]! + 1e-9);
  });
});
