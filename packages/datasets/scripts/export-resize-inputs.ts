/**
 * Writes the inputs of the OpenCV resize fixture (`src/__fixtures__/opencv-resize-inputs.ts`) to
 * `<out>/<name>.u8` (raw uint8 `[n, from, from]`) with `<out>/cases.json`, for
 * `opencv_resize_fixture.py`. Run from the repository root:
 *   npx tsx packages/datasets/scripts/export-resize-inputs.ts /tmp/resize
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { opencvResizeCases } from '../src/__fixtures__/opencv-resize-inputs';

const out = process.argv[2] ?? '/tmp/descbench-resize';
mkdirSync(out, { recursive: true });
const cases = opencvResizeCases();
for (const c of cases) writeFileSync(join(out, `${c.name}.u8`), c.data);
writeFileSync(join(out, 'cases.json'), JSON.stringify(cases.map(({ name, from, to, n }) => ({ name, from, to, n }))));
process.stderr.write(`wrote ${cases.length} resize cases to ${out}\n`);
