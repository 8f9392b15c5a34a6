/**
 * Prints the two synthetic HPatches sets of `hpatches-synthetic.ts` as JSON (`{quantized, float}`)
 * for `hpatches-expected.py`. Run from the repository root:
 *   npx tsx packages/metrics/src/__fixtures__/hpatches-synthetic-json.ts \
 *     | python3 packages/metrics/src/__fixtures__/hpatches-expected.py > packages/metrics/src/__fixtures__/hpatches-expected.ts
 */
import { syntheticHPatches, toJson } from './hpatches-synthetic';

process.stdout.write(`{"quantized": ${toJson(syntheticHPatches(true))}, "float": ${toJson(syntheticHPatches(false))}}\n`);
