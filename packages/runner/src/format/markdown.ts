/**
 * A GitHub-flavoured Markdown table. Cells are escaped (`|`) and padded so the source
 * reads as a table too; numeric-looking columns are right-aligned.
 */
export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const all = [header, ...rows].map((r) => header.map((_, i) => esc(r[i] ?? '')));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => (r[i] as string).length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]*\d(\s*±\s*[\d.]+)?%?$|^$/.test(r[i] ?? '')));
  const line = (r: string[]): string =>
    `| ${r.map((c, i) => (numeric[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(all[0] as string[]), rule, ...all.slice(1).map(line)].join('\n');
}
