import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBenchmarksDir, loadCatalog } from '../tables/catalog';
import { paperParamComparisons, solarParamComparisons } from './params';

/** A benchmarks/ folder with SOLAR supp. Tables 1-2 only, Table 2's CSV edited by `edit`. */
function solarTables(edit: (csv: string) => string = (c) => c): string {
  const root = mkdtempSync(join(tmpdir(), 'descbench-params-'));
  for (const t of ['solar-supp/table1', 'solar-supp/table2']) cpSync(join(findBenchmarksDir(), t), join(root, t), { recursive: true });
  const f = join(root, 'solar-supp/table2/reference.csv');
  writeFileSync(f, edit(readFileSync(f, 'utf8')));
  return root;
}

describe('bench params <model>: the paper values for every model whose paper prints them', () => {
  const catalog = loadCatalog();

  test('L2-Net-bodied models get SOLAR supp. Table 2, rows by id, notes from the audit', () => {
    for (const m of ['l2net', 'hardnet', 'sosnet', 'sosnet+', 'sosnet+soa35', 'hynet']) {
      const t2 = paperParamComparisons(m, catalog).find((c) => c.id === 'solar-supp/table2');
      expect(t2?.rows.map((r) => [r.row, r.ours, r.paper])).toEqual([
        ['layer1', 288, 288],
        ['layer2', 9216, 9216],
        ['layer3', 18432, 18432],
        ['layer4', 36864, 36864],
        ['layer5', 73728, 73728],
        ['layer6', 147456, 147756],
        ['layer7', 1048576, 285984],
      ]);
      expect(t2?.rows[5]?.note).toMatch(/audit: stated 147,756, but a 3x3 conv 128->128 without bias has 147,456 weights/);
      expect(t2?.rows[6]?.note).toMatch(/audit: .*the stated value equals the total of the layers above it/);
      expect(t2?.rows[0]?.note).toMatch(/; equal$/);
    }
  });

  test('SOA variants get their Extra Params row of Table 1 with the audit findings', () => {
    const t1 = paperParamComparisons('sosnet+soa35', catalog).find((c) => c.id === 'solar-supp/table1');
    expect(t1?.rows).toHaveLength(1);
    expect(t1?.rows[0]).toMatchObject({ row: 'sosnet+soa35', ours: 4272 + 33344, paper: 24576 });
    expect(t1?.rows[0]?.note).toMatch(/sosnet\+soa3 \+ sosnet\+soa5 = 12288 \+ 22528 = 34816/);
    // not printed in Table 1: no Extra Params comparison
    expect(paperParamComparisons('sosnet+soa56', catalog).map((c) => c.id)).toEqual(['solar-supp/table2']);
  });

  test('a model no table speaks of gets none', () => {
    expect(paperParamComparisons('tfeat', catalog)).toEqual([]);
  });

  test('rows are read by id, not position: a reordered reference.csv gives the same comparison', () => {
    const reversed = solarTables((csv) => {
      const [head, ...rows] = csv.trim().split('\n');
      return [head, ...rows.reverse()].join('\n') + '\n';
    });
    const a = solarParamComparisons(loadCatalog(reversed));
    expect(a).toEqual(solarParamComparisons(catalog));
  });

  test('notes follow the audit: a corrected cell has no finding and no note', () => {
    const fixed = loadCatalog(solarTables((csv) => csv.replace('147756', '147456')));
    const row6 = paperParamComparisons('l2net', fixed)[0]!.rows[5]!;
    expect(row6.paper).toBe(147456);
    expect(row6.note).toBe('layer weights 147456, conv layers 1-6 285984; equal');
  });
});
