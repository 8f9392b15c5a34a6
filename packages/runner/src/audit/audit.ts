import { InputError, type Registry } from '@descbench/core';
import { soaBlockParamCount } from '@descbench/models';
import type { Cell } from '../tables/cell';
import * as iv from '../tables/interval';
import type { Interval } from '../tables/interval';
import { statedCell } from '../tables/cell';
import type { ReferenceTable } from '../tables/reference-table';
import type { CheckSpec } from '../tables/schema';
import { evaluateExpression } from './expression';
import { formatComputed, type Finding } from './finding';

/**
 * `bench audit`: run every check that a table's spec declares against its printed numbers.
 * Each rule compares rounding intervals (see tables/interval.ts), so a finding means that no
 * unrounded values could make the printed numbers agree -- never a rounding artefact.
 */
export function auditTables(catalog: Registry<ReferenceTable>, ids: string[] = catalog.names()): Finding[] {
  return ids.flatMap((id) => auditTable(catalog.get(id), catalog));
}

export function auditTable(t: ReferenceTable, catalog: Registry<ReferenceTable>): Finding[] {
  return t.spec.checks.flatMap((check, index) => runCheck(t, check, index, catalog));
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');

function runCheck(t: ReferenceTable, c: CheckSpec, index: number, catalog: Registry<ReferenceTable>): Finding[] {
  const base = { table: t.id, rule: c.rule, check: index };
  const out: Finding[] = [];
  const cellOf = (row: string, col: string): Cell | undefined => t.rows.get(row)?.cells.get(col);
  switch (c.rule) {
    case 'row-mean': {
      for (const [rowId, row] of t.rows) {
        if (c.rows !== undefined && !c.rows.includes(rowId)) continue;
        const stated = row.cells.get(c.target);
        const parts = c.of.map((col) => row.cells.get(col));
        if (stated === undefined || parts.some((p) => p === undefined)) continue;
        const mean = iv.mean((parts as Cell[]).map(iv.fromCell));
        if (!iv.overlaps(iv.fromCell(stated), mean)) {
          const computed = formatComputed(iv.midpoint(mean), stated.decimals);
          out.push({ ...base, row: rowId, column: c.target, stated: stated.text, computed,
            message: `stated mean ${stated.text}, but the mean of the ${parts.length} printed cells is ${computed}` });
        }
      }
      break;
    }
    case 'row-sum': {
      const stated = cellOf(c.target, c.column);
      const parts = c.of.map((r) => cellOf(r, c.column));
      if (stated === undefined || parts.some((p) => p === undefined)) break;
      const sum = (parts as Cell[]).map(iv.fromCell).reduce(iv.add);
      if (!iv.overlaps(iv.fromCell(stated), sum)) {
        const computed = formatComputed(iv.midpoint(sum), stated.decimals);
        out.push({ ...base, row: c.target, column: c.column, stated: stated.text, computed,
          message: `stated ${stated.text}, but ${c.of.join(' + ')} = ${(parts as Cell[]).map((p) => p.text).join(' + ')} = ${computed}` });
      }
      break;
    }
    case 'row-difference': {
      const cols = c.columns ?? t.numericColumns.filter((col) => col.role === 'value' || col.role === 'mean').map((col) => col.id);
      for (const col of cols) {
        const stated = cellOf(c.target, col);
        const a = cellOf(c.minuend, col);
        const b = cellOf(c.subtrahend, col);
        if (stated === undefined || a === undefined || b === undefined) continue;
        const diff = iv.sub(iv.fromCell(a), iv.fromCell(b));
        if (!iv.overlaps(iv.fromCell(stated), diff)) {
          const computed = formatComputed(iv.midpoint(diff), stated.decimals);
          out.push({ ...base, row: c.target, column: col, stated: stated.text, computed,
            message: `stated ${stated.text}, but ${c.minuend} - ${c.subtrahend} = ${a.text} - ${b.text} = ${computed}` });
        }
      }
      break;
    }
    case 'conv-params': {
      // A column of per-layer counts or of cumulative counts is consistent; anything else is a finding.
      let cumulative = 0;
      for (const [rowId, layer] of Object.entries(c.layers)) {
        const count = layer.kernel[0] * layer.kernel[1] * layer.in * layer.out;
        const before = cumulative;
        cumulative += count;
        const stated = cellOf(rowId, c.column);
        if (stated === undefined || stated.value === count || stated.value === cumulative) continue;
        const shape = `${layer.kernel[0]}x${layer.kernel[1]} conv ${layer.in}->${layer.out}`;
        const aside = stated.value === before && before > 0 ? `; the stated value equals the total of the layers above it (${fmtInt(before)})` : '';
        out.push({ ...base, row: rowId, column: c.column, stated: stated.text, computed: String(count),
          message: `stated ${fmtInt(stated.value)}, but a ${shape} without bias has ${fmtInt(count)} weights (cumulative through this layer: ${fmtInt(cumulative)})${aside}` });
      }
      break;
    }
    case 'soa-params': {
      for (const [rowId, layers] of Object.entries(c.blocks)) {
        const stated = cellOf(rowId, c.column);
        if (stated === undefined) continue;
        const counts = layers.map((l) => soaAfterLayer(l, t.id, index));
        const total = counts.reduce((a, b) => a + b, 0);
        if (stated.value !== total) {
          out.push({ ...base, row: rowId, column: c.column, stated: stated.text, computed: String(total),
            message: layers.length === 1
              ? `stated ${fmtInt(stated.value)}, but the released SOA block after layer ${layers[0]} has ${fmtInt(total)} parameters`
              : `stated ${fmtInt(stated.value)}, but the released SOA blocks after layers ${layers.join(', ')} have ${counts.map(fmtInt).join(' + ')} = ${fmtInt(total)} parameters` });
        }
      }
      break;
    }
    case 'equal-cells': {
      const a = catalog.get(c.a.table);
      const b = catalog.get(c.b.table);
      for (const [ca, cb] of c.columns) {
        const x = a.rows.get(c.a.row)?.cells.get(ca);
        const y = b.rows.get(c.b.row)?.cells.get(cb);
        if (x === undefined || y === undefined) {
          throw new InputError(`equal-cells names a missing cell (${c.a.table} ${c.a.row}/${ca} or ${c.b.table} ${c.b.row}/${cb})`, { file: `${t.dir}/table.json`, at: `checks[${index}]` });
        }
        if (!iv.overlaps(iv.fromCell(x), iv.fromCell(y))) {
          out.push({ ...base, row: c.a.row, column: ca, stated: x.text, computed: y.text,
            message: `printed ${x.text} here but ${y.text} for the same result in ${c.b.table} (${c.b.row}, ${cb})` });
        }
      }
      break;
    }
    case 'claim': {
      const stated = statedCell(c.stated);
      const lookup = (row: string, col: string): Interval => {
        const cell = cellOf(row, col);
        if (cell === undefined) throw new InputError(`claim names an empty or unknown cell (${row}, ${col})`, { file: `${t.dir}/table.json`, at: `checks[${index}]` });
        return iv.fromCell(cell);
      };
      const value = evaluateExpression(c.expression, lookup);
      const s = iv.fromCell(stated);
      const ok = c.comparator === '=' ? iv.overlaps(s, value) : c.comparator === '>=' ? value.hi >= s.lo : value.lo <= s.hi;
      if (!ok) {
        const computed = formatComputed(iv.midpoint(value), stated.decimals);
        out.push({ ...base, stated: stated.text, computed,
          message: `the text says "${c.text}" (${c.comparator} ${stated.text}), but ${c.expression} = ${computed}` });
      }
      break;
    }
    case 'range': {
      for (const [rowId, row] of t.rows) {
        for (const col of c.columns) {
          const cell = row.cells.get(col);
          if (cell === undefined) continue;
          if ((c.min !== undefined && cell.value < c.min) || (c.max !== undefined && cell.value > c.max)) {
            out.push({ ...base, row: rowId, column: col, stated: cell.text, computed: `[${c.min ?? '-inf'}, ${c.max ?? 'inf'}]`,
              message: `${cell.text} is outside the valid range [${c.min ?? '-inf'}, ${c.max ?? 'inf'}]` });
          }
        }
      }
      break;
    }
  }
  return out;
}

/** Parameters of the released SOA block after an L2-Net layer (channels 64 after 3-4, 128 after 5-6). */
function soaAfterLayer(layer: number, table: string, index: number): number {
  const channels: Record<number, number> = { 3: 64, 4: 64, 5: 128, 6: 128 };
  const c = channels[layer];
  if (c === undefined) throw new InputError(`SOA blocks exist after L2-Net layers 3-6 only, got ${layer}`, { at: `${table} checks[${index}]` });
  return soaBlockParamCount(c);
}
