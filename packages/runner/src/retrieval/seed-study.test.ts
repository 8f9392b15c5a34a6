import { seedRunsFromReplay, seedStudy, seedStudyPlot } from './seed-study';

describe('seedStudy (CSA supp. Fig. 2)', () => {
  const runs = [
    { seed: 2, values: { roxf_medium: 70, roxf_hard: 50 }, fingerprint: 'b' },
    { seed: 1, values: { roxf_medium: 72, roxf_hard: 48 }, fingerprint: 'a' },
    { seed: 3, values: { roxf_medium: 74, roxf_hard: 52 }, fingerprint: 'c' },
  ];
  test('per-seed values in seed order, mean, sample std, min, max; distinct models counted', () => {
    const s = seedStudy(runs);
    const m = s.columns.find((c) => c.column === 'roxf_medium')!;
    expect(m.seeds).toEqual([1, 2, 3]);
    expect(m.values).toEqual([72, 70, 74]);
    expect(m.mean).toBeCloseTo(72, 12);
    expect(m.std).toBeCloseTo(2, 12);
    expect([m.min, m.max]).toEqual([70, 74]);
    expect(s.distinctModels).toBe(3);
    expect(seedStudy([{ ...runs[0]!, fingerprint: 'x' }, { ...runs[1]!, fingerprint: 'x' }]).distinctModels).toBe(1);
    expect(seedStudy([runs[0]!]).columns[0]!.std).toBeNull();
  });
  test('a repeated seed or no run is refused; the plot holds every point', () => {
    expect(() => seedStudy([runs[0]!, runs[0]!])).toThrow(/seed listed twice/);
    expect(() => seedStudy([])).toThrow(/at least one run/);
    const p = seedStudyPlot(seedStudy(runs), { id: 'fig2', title: 'Fig. 2' });
    const layers = (p.vegaLite as { layer: { data: { values: unknown[] } }[] }).layer;
    expect(layers[0]!.data.values).toHaveLength(6);
  });
});

describe('seedRunsFromReplay', () => {
  test('picked cells merged per seed with their fingerprints', () => {
    const spec = (row: string, seed: number) => ({ kind: 'k', table: 't', row, columns: [], unit: 'u', seed, settings: {} });
    const cells = [spec('csa', 1), spec('first', 1), spec('csa', 2), spec('csa', 1)].map((s, i) => ({ key: String(i), spec: s }));
    const values = [
      { values: { roxf_medium: 70 }, data: 'synthetic' as const, extra: { fingerprint: 'a' } },
      { values: { roxf_medium: 60 }, data: 'synthetic' as const },
      { values: { roxf_medium: 71 }, data: 'synthetic' as const, extra: { fingerprint: 'b' } },
      { values: { rpar_medium: 80 }, data: 'synthetic' as const, extra: { fingerprint: 'a' } },
    ];
    const runs = seedRunsFromReplay({ cells, values }, (s) => s.row === 'csa');
    expect(runs).toEqual([
      { seed: 1, values: { roxf_medium: 70, rpar_medium: 80 }, fingerprint: 'a' },
      { seed: 2, values: { roxf_medium: 71 }, fingerprint: 'b' },
    ]);
    expect(seedStudy(runs).distinctModels).toBe(2);
  });
});
