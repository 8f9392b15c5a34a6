import type { Cell } from '../tables/cell';

/** A cell as papers print it: `1.22 ± 0.04`, or `1.46` without a std, or empty. */
export function formatPrinted(value: Cell | undefined, std?: Cell): string {
  if (value === undefined) return '';
  return std === undefined ? value.text : `${value.text} ± ${std.text}`;
}
