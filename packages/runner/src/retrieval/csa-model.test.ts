import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csaTrainingPreset, scaleCsaPreset } from '@descbench/retrieval';
import { csaCacheKey } from './csa-model';

describe('csaCacheKey', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csa-key-'));
  const features = join(dir, 'features.pkl');
  writeFileSync(features, 'one');
  const tiny = scaleCsaPreset(csaTrainingPreset('csa'), 'tiny');

  it('changes with the recipe content, not only with its name', () => {
    const base = csaCacheKey('csa', tiny, 1, features);
    expect(csaCacheKey('csa', { ...tiny, changed: true }, 1, features)).not.toBe(base);
    expect(csaCacheKey('csa', tiny, 2, features)).not.toBe(base);
    expect(csaCacheKey('csa', tiny, 1, features)).toBe(base);
    expect(csaCacheKey('csa', tiny, 1, features, 'cpu')).not.toBe(csaCacheKey('csa', tiny, 1, features, 'wasm'));
  });

  it('changes with the training features’ content at the same size', () => {
    const before = csaCacheKey('csa', tiny, 1, features);
    writeFileSync(features, 'two');
    expect(csaCacheKey('csa', tiny, 1, features)).not.toBe(before);
  });
});
