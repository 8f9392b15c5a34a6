import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plotDataCsv, writePlotData } from './plot-data';

describe('plot data as CSV', () => {
  test('columns in first-seen order, RFC 4180 quoting, missing cells empty; plots without inline records skipped', () => {
    const p = { id: 'a/b', title: 't', vegaLite: { data: { values: [{ x: 1, name: 'g_s, inner' }, { x: 2, y: 0.5 }] } } };
    expect(plotDataCsv(p)).toBe('x,name,y\n1,"g_s, inner",\n2,,0.5\n');
    expect(plotDataCsv({ id: 'c', title: 't', vegaLite: { data: { url: 'x.csv' } } })).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'descbench-plotdata-'));
    const files = writePlotData(join(dir, 'results_1.csv'), [p, { id: 'c', title: 't', vegaLite: {} }]);
    expect(files).toEqual([join(dir, 'results_1_a_b.csv')]);
    expect(readFileSync(files[0]!, 'utf8')).toBe(plotDataCsv(p));
  });
});
