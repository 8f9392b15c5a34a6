import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { auditTables } from '../audit/audit';
import { findBenchmarksDir, loadCatalog } from './catalog';
import { listTables } from './list';
import { showTable } from './show';
import { sharedFiles } from '../../../core/src/__fixtures__/shared';

/** The repository's own reference data: every table and figure of the four documents. */
describe('the benchmarks/ catalog', () => {
  const catalog = loadCatalog(findBenchmarksDir(__dirname));
  const list = listTables(catalog);

  test('covers every table and figure of all four documents', () => {
    // exactly the 22 entries of the four documents (README: "22 entries"): a lost or extra folder fails
    expect(list.map((t) => t.id).sort()).toEqual([
      'context-slides/fig-attention-maps',
      'context-slides/fig-edge-connection-map',
      'context-slides/fig-how-training-matching',
      'context-slides/fig-learnable-smoothing',
      'context-slides/fig-visual-results',
      'context-slides/table-fire-comparison',
      'context-slides/table-kernel-size',
      'context-slides/table-numerical-results',
      'csa-supp/fig1',
      'csa-supp/fig2',
      'csa-supp/table1',
      'hynet/fig1',
      'hynet/fig2',
      'hynet/fig3',
      'hynet/fig4',
      'hynet/fig5',
      'hynet/table1',
      'hynet/table2',
      'hynet/table3',
      'solar-supp/fig1',
      'solar-supp/table1',
      'solar-supp/table2',
    ]);
    const docs = new Set(list.map((t) => t.document));
    expect([...docs].sort()).toEqual(['000_d04486bfdfc1e8e9.txt', '001_0c0f8ee211a827c4.txt', '002_328b6858e219adc7.txt', '004_f3b959faa347c39e.txt']);
    for (const prefix of ['solar-supp/', 'csa-supp/', 'context-slides/', 'hynet/']) {
      expect(list.some((t) => t.id.startsWith(prefix) && t.kind === 'table')).toBe(true);
      expect(list.some((t) => t.id.startsWith(prefix) && t.kind === 'figure')).toBe(true);
    }
    expect(list.map((t) => t.id)).toEqual(expect.arrayContaining([
      'solar-supp/table1', 'solar-supp/table2', 'solar-supp/fig1', 'csa-supp/table1', 'csa-supp/fig1', 'csa-supp/fig2',
      'hynet/table1', 'hynet/table2', 'hynet/table3', 'hynet/fig4', 'hynet/fig5',
    ]));
  });

  const shared = sharedFiles('catalog documents exist in ../shared/papers', ['papers']);
  shared.test('every entry names a document that exists in ../shared/papers', () => {
    for (const t of list) expect(existsSync(shared.path(join('papers', t.document)))).toBe(true);
  });

  test('every table prints back in all three formats', () => {
    for (const t of list) {
      expect(showTable(catalog, t.id, 'md')).toContain(t.number);
      // the source by its title, not only by file name
      expect(showTable(catalog, t.id, 'md').split('\n')[1]).toMatch(new RegExp(`^source: ${catalog.get(t.id).spec.paper.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, document ${t.document}; `));
      expect(JSON.parse(showTable(catalog, t.id, 'json')).id).toBe(t.id);
      if (catalog.get(t.id).hasReferenceCsv) expect(showTable(catalog, t.id, 'csv').split('\n')[0]).toMatch(/^row,label/);
    }
  });

  test('the stated numbers HyNet and SOLAR print as examples are there', () => {
    const solar = catalog.get('solar-supp/table1');
    expect(solar.rows.get('sosnet+soa3')?.cells.get('liberty_notredame_fpr95_pct')?.text).toBe('1.22');
    expect(solar.rows.get('sosnet+soa3')?.stds.get('liberty_notredame_fpr95_pct')?.text).toBe('0.04');
    expect(solar.rows.get('sosnet')?.stds.size).toBe(0);
    const fig4 = catalog.get('hynet/fig4').spec.claims.map((c) => String(c.value));
    expect(fig4).toEqual(expect.arrayContaining(['0.89', '2.35', '1.75']));
  });

  test('audit finds exactly the known inconsistencies of these documents and nothing else', () => {
    const found = auditTables(catalog).map((f) => [f.table, f.rule, f.row ?? '', f.column ?? '', f.stated, f.computed].join(' '));
    expect(found.sort()).toEqual([
      // HyNet Table 1: TFeat's mean is not the mean of its six cells (6.61)
      'hynet/table1 row-mean tfeat mean_fpr95_pct 6.64 6.6133',
      // HyNet Table 3 text: "s_H improves from s and d by 1.87 and 0.78 respectively" -- the table gives 0.78 and 1.87
      'hynet/table3 claim   0.78 1.87',
      'hynet/table3 claim   1.87 0.78',
      // SOLAR supplementary Table 1: six stated means that no unrounded cells can give
      'solar-supp/table1 row-mean sosnet+ mean_fpr95_pct 1.138 1.18333',
      'solar-supp/table1 row-mean sosnet+soa3 mean_fpr95_pct 1.065 1.095',
      'solar-supp/table1 row-mean sosnet+soa345 mean_fpr95_pct 1.147 1.16167',
      'solar-supp/table1 row-mean sosnet+soa35 mean_fpr95_pct 1.139 1.165',
      'solar-supp/table1 row-mean sosnet+soa45 mean_fpr95_pct 1.130 1.155',
      'solar-supp/table1 row-mean sosnet+soa6 mean_fpr95_pct 1.380 1.40167',
      // SOA_{3,5} is listed as 24,576 but SOA_3 + SOA_5 = 34,816 (SOA_{4,5} is listed as 34,816)
      'solar-supp/table1 row-sum sosnet+soa35 extra_params_count 24576 34816',
      // the released SOA block has 4,272 (64 channels, k = 4) / 33,344 (128 channels, k = 2) parameters
      'solar-supp/table1 soa-params sosnet+soa3 extra_params_count 12288 4272',
      'solar-supp/table1 soa-params sosnet+soa34 extra_params_count 24576 8544',
      'solar-supp/table1 soa-params sosnet+soa345 extra_params_count 47104 41888',
      'solar-supp/table1 soa-params sosnet+soa35 extra_params_count 24576 37616',
      'solar-supp/table1 soa-params sosnet+soa4 extra_params_count 12288 4272',
      'solar-supp/table1 soa-params sosnet+soa45 extra_params_count 34816 37616',
      'solar-supp/table1 soa-params sosnet+soa46 extra_params_count 34816 37616',
      'solar-supp/table1 soa-params sosnet+soa5 extra_params_count 22528 33344',
      'solar-supp/table1 soa-params sosnet+soa6 extra_params_count 22528 33344',
      // SOLAR supplementary Table 2: layer 6 prints 147,756 for 147,456; layer 7 prints the total of layers 1-6
      'solar-supp/table2 conv-params layer6 cumulative_params_count 147756 147456',
      'solar-supp/table2 conv-params layer7 cumulative_params_count 285984 1048576',
    ]);
  });
});
