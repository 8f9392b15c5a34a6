import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { soaBlockParams } from './soa-param-count';

describe('SOA block parameter count vs the released code (golden/soa_params.json)', () => {
  const golden = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'golden', 'soa_params.json'), 'utf8')); // copy of ../shared/golden/soa_params.json
  test.each([
    ['layer3_or_4', 'weights_only_layer3_or_4', 64],
    ['layer5_or_6', 'weights_only_layer5_or_6', 128],
  ])('%s', (key, weightsKey, channels) => {
    const p = soaBlockParams(channels);
    expect(golden[key].k).toBe(channels === 64 ? 4 : 2);
    expect({ f: p.f, g: p.g, h: p.h, v: p.v, total: p.total }).toEqual({
      f: golden[key].f, g: golden[key].g, h: golden[key].h, v: golden[key].v, total: golden[key].total,
    });
    expect(p.weights).toBe(golden[weightsKey].total);
  });
});

test('refuses channel counts the release does not define', () => {
  expect(() => soaBlockParams(32)).toThrow(/64 or 128/);
});
