import { InputError } from '@descbench/core';
import * as iv from '../tables/interval';
import type { Interval } from '../tables/interval';

/**
 * A tiny arithmetic language for claims a document makes about its own table:
 * `cell('row','column')`, numbers, `+ - * /`, parentheses, `min(a, b, ...)`, `max(...)`.
 * Evaluated over intervals so that printed rounding never produces a false finding.
 */
export type CellLookup = (row: string, column: string) => Interval;

type Token = { t: 'num'; v: number } | { t: 'str'; v: string } | { t: 'id'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|'([^']*)'|([A-Za-z_]\w*)|([-+*/(),]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (m === null) throw new InputError(`cannot read expression at character ${pos + 1}: ${JSON.stringify(src)}`);
    if (m[1] !== undefined) out.push({ t: 'num', v: Number(m[1]) });
    else if (m[2] !== undefined) out.push({ t: 'str', v: m[2] });
    else if (m[3] !== undefined) out.push({ t: 'id', v: m[3] });
    else out.push({ t: 'op', v: m[4] as string });
    pos = re.lastIndex;
  }
  return out;
}

export function evaluateExpression(src: string, cell: CellLookup): Interval {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const fail = (what: string): never => {
    throw new InputError(`${what} in expression ${JSON.stringify(src)}`);
  };
  const expectOp = (v: string): void => {
    const t = toks[i++];
    if (t?.t !== 'op' || t.v !== v) fail(`expected "${v}"`);
  };
  const expr = (): Interval => {
    let a = term();
    for (let t = peek(); t?.t === 'op' && (t.v === '+' || t.v === '-'); t = peek()) {
      i++;
      a = t.v === '+' ? iv.add(a, term()) : iv.sub(a, term());
    }
    return a;
  };
  const term = (): Interval => {
    let a = unary();
    for (let t = peek(); t?.t === 'op' && (t.v === '*' || t.v === '/'); t = peek()) {
      i++;
      a = t.v === '*' ? iv.mul(a, unary()) : iv.div(a, unary());
    }
    return a;
  };
  const unary = (): Interval => {
    const t = peek();
    if (t?.t === 'op' && t.v === '-') {
      i++;
      return iv.sub(iv.exact(0), unary());
    }
    return primary();
  };
  const args = (): Interval[] => {
    expectOp('(');
    const xs = [expr()];
    while (peek()?.t === 'op' && peek()?.v === ',') {
      i++;
      xs.push(expr());
    }
    expectOp(')');
    return xs;
  };
  const primary = (): Interval => {
    const t = toks[i++];
    if (t === undefined) return fail('unexpected end');
    if (t.t === 'num') return iv.exact(t.v);
    if (t.t === 'op' && t.v === '(') {
      const a = expr();
      expectOp(')');
      return a;
    }
    if (t.t === 'id' && t.v === 'cell') {
      expectOp('(');
      const r = toks[i++];
      expectOp(',');
      const c = toks[i++];
      expectOp(')');
      if (r?.t !== 'str' || c?.t !== 'str') return fail("cell() takes two quoted names: cell('row','column')");
      return cell(r.v, c.v);
    }
    if (t.t === 'id' && (t.v === 'min' || t.v === 'max')) {
      const xs = args();
      return xs.reduce(t.v === 'min' ? iv.min : iv.max);
    }
    return fail(`unexpected ${JSON.stringify(t.v)}`);
  };
  const result = expr();
  if (i !== toks.length) fail('trailing input');
  return result;
}
