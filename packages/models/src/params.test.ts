import { sosnetPlusSpec, l2netSpec } from './l2net';
import { paramTable } from './params';
import { soaBlockParams } from './soa-param-count';

describe('parameter counts', () => {
  test('L2-Net conv weights per layer (PROTOCOLS.md)', () => {
    const t = paramTable(l2netSpec());
    expect(t.rows.slice(1).map((r) => r.weights)).toEqual([288, 9216, 18432, 36864, 73728, 147456, 1048576]);
    expect(t.totalParams).toBe(288 + 9216 + 18432 + 36864 + 73728 + 147456 + 1048576);
  });
  test('SOA blocks in a spec count what soaParamCount says', () => {
    const t = paramTable(sosnetPlusSpec([3, 5]));
    const soa = t.rows.filter((r) => r.label.startsWith('SOA'));
    expect(soa.map((r) => r.params)).toEqual([4272, 33344]);
    expect(soa.map((r) => r.weights)).toEqual([4096, 32768]);
    expect(t.totalParams - paramTable(sosnetPlusSpec([])).totalParams).toBe(4272 + 33344);
  });
  test('the table agrees with soaBlockParams for every released width', () => {
    const t = paramTable(sosnetPlusSpec([3, 4, 5, 6]));
    const soa = t.rows.filter((r) => r.label.startsWith('SOA'));
    expect(soa.map((r) => r.params)).toEqual([64, 64, 128, 128].map((c) => soaBlockParams(c).total));
  });
});

