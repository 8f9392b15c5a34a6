import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFiles } from '../../core/src/__fixtures__/shared';

const files = ['soa_params.json'];
const shared = sharedFiles('golden copies vs ../shared/golden', files.map((f) => `golden/${f}`));

shared.describe('the golden copies in __fixtures__/golden equal ../shared/golden', () => {
  for (const f of files) {
    test(f, () => {
      expect(readFileSync(join(__dirname, '__fixtures__', 'golden', f), 'utf8')).toBe(readFileSync(shared.path(`golden/${f}`), 'utf8'));
    });
  }
});
