import { InputError, type InputLocation } from '@descbench/core';

/**
 * A number as a document prints it. Keeping the printed decimals lets every check reason about
 * rounding: a printed `1.31` stands for any value in [1.305, 1.315].
 */
export interface Cell {
  text: string;
  value: number;
  decimals: number;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parse a CSV cell; empty means "not printed" and gives undefined. */
export function parseCell(text: string, where: InputLocation): Cell | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!NUMBER.test(t)) throw new InputError(`expected a number or an empty cell, got ${JSON.stringify(text)}`, where);
  const value = Number(t);
  if (!Number.isFinite(value)) throw new InputError(`expected a finite number, got ${JSON.stringify(text)}`, where);
  const m = /\.(\d+)/.exec(t.replace(/[eE].*$/, ''));
  return { text: t, value, decimals: m?.[1]?.length ?? 0 };
}

/** Half of one unit in the last printed place: the rounding uncertainty of a printed number. */
export function halfUnit(c: Pick<Cell, 'decimals'>): number {
  return 0.5 * 10 ** -c.decimals;
}

/** Decimals of a number written in JSON (`1.5` -> 1) or a numeric string (`"1.50"` -> 2). */
export function statedCell(stated: number | string): Cell {
  const text = typeof stated === 'string' ? stated : String(stated);
  const c = parseCell(text, {});
  if (c === undefined) throw new InputError('empty stated value');
  return c;
}
