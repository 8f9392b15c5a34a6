import { readFileSync } from 'node:fs';
import { InputError } from '@descbench/core';

/**
 * Whitespace-separated numeric text tables (UBC `info.txt`, `interest.txt`, `m50_*.txt`,
 * HPatches homographies). Every problem is an InputError naming `file:line`.
 */

/** Lines of a text file without the final empty line; `\r\n` accepted. */
export function readLines(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, { file });
  }
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}

/** Split one line into tokens; throws when it has fewer than `minColumns`. */
export function splitColumns(line: string, minColumns: number, file: string, lineNo: number): string[] {
  const t = line.trim();
  if (t === '') throw new InputError('empty line', { file, line: lineNo });
  const cols = t.split(/\s+/);
  if (cols.length < minColumns) {
    throw new InputError(`expected at least ${minColumns} columns, found ${cols.length}`, { file, line: lineNo });
  }
  return cols;
}

const INT_RE = /^[+-]?\d+$/;
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parse a (safe) integer token. */
export function parseIntToken(tok: string, file: string, lineNo: number, column: number): number {
  if (!INT_RE.test(tok)) throw new InputError(`not an integer: ${JSON.stringify(tok)}`, { file, line: lineNo, column });
  const v = Number(tok);
  if (!Number.isSafeInteger(v)) throw new InputError(`integer out of range: ${tok}`, { file, line: lineNo, column });
  return v;
}

/** Parse a finite decimal number token (plain or exponent notation). */
export function parseNumberToken(tok: string, file: string, lineNo: number, column: number): number {
  if (!NUM_RE.test(tok)) throw new InputError(`not a number: ${JSON.stringify(tok)}`, { file, line: lineNo, column });
  return Number(tok);
}
