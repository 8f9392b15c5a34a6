import { cellKey, projectVersion } from '../key';
import type { CellSpec, KeyedCell } from '../types';

/** `n` test-kind cells of table `t`, rows r0.., two columns each, with extra settings, keyed under `version`. */
export function testCells(n: number, settings: Record<string, unknown> = {}, table = 'test/table', version = projectVersion()): KeyedCell[] {
  return Array.from({ length: n }, (_, i) => {
    const spec: CellSpec = { kind: 'test', table, row: `r${i}`, columns: ['a', 'b'], unit: 'u', seed: 1 + (i % 3), settings: { ...settings } };
    return { key: cellKey(spec, version), spec };
  });
}

export const TEST_KIND = require.resolve('./test-kind.ts');
