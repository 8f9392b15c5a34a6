import { InputError } from '../errors';

/**
 * What a pickle may name. A pickle's GLOBAL / STACK_GLOBAL / INST opcodes name Python callables
 * (`module.name`); Python's own unpickler imports and calls them, which is how a pickle runs code.
 * Here nothing is imported or called: each caller passes a {@link PickleGlobals} table saying
 * which names it accepts and how the unpickler rebuilds what they stand for, as plain data. Any
 * other name is refused with an `InputError` naming it.
 */

/** A named global seen in a pickle, as a value (e.g. the class argument of `_reconstruct`). */
export class PickleGlobalRef {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get fullName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Passed to reducers: fail with an `InputError` at the current opcode. */
export interface PickleContext {
  readonly file: string | undefined;
  fail(detail: string): never;
}

/**
 * How one allowed global is rebuilt. Every hook is optional; a missing one means that use is
 * refused (e.g. a global with no `call` may appear only as an argument).
 */
export interface PickleReducer {
  /** REDUCE: the value `global(*args)` stands for. `args` are already-parsed values. */
  call?(args: readonly unknown[], ctx: PickleContext): unknown;
  /** NEWOBJ / NEWOBJ_EX: the value `cls.__new__(cls, *args)` stands for. */
  newObject?(args: readonly unknown[], ctx: PickleContext): unknown;
  /** BUILD on an object that `call`/`newObject` returned: apply `state` to it in place. */
  build?(obj: object, state: unknown, ctx: PickleContext): void;
  /** At STOP, for every object `call`/`newObject` returned (e.g. to check BUILD arrived). */
  finish?(obj: object, ctx: PickleContext): void;
  /**
   * True when what `call`/`newObject` returns is only a helper for other reducers (a numpy dtype)
   * and must not appear in the result.
   */
  internal?: boolean;
}

/** Allowed globals by full name (`module.name`), e.g. `numpy.core.multiarray._reconstruct`. */
export type PickleGlobals = ReadonlyMap<string, PickleReducer>;

/**
 * Build a table from objects of `fullName -> reducer`, later ones overriding earlier ones. Only
 * own properties count, so names such as `constructor` or `__proto__` are never allowed by
 * accident.
 */
export function pickleGlobals(...tables: ReadonlyArray<PickleGlobals | Readonly<Record<string, PickleReducer>>>): PickleGlobals {
  const out = new Map<string, PickleReducer>();
  for (const t of tables) {
    if (t instanceof Map) for (const [k, v] of t) out.set(k, v);
    else for (const k of Object.keys(t)) if (Object.hasOwn(t, k)) out.set(k, (t as Record<string, PickleReducer>)[k] as PickleReducer);
  }
  return out;
}

/** Own-property lookup in a plain object table (never inherited names such as `constructor`). */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** `_codecs.encode(str, 'latin1')`: how protocols 0-2 write `bytes`. */
export const codecsEncode: PickleReducer = {
  call(args, ctx) {
    const [s, enc] = args;
    if (typeof s !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) ctx.fail('_codecs.encode is only allowed with (str, "latin1") arguments');
    const str = s as string;
    const out = new Uint8Array(str.length);
    for (let i = 0; i < out.length; i++) {
      const c = str.charCodeAt(i);
      if (c > 255) ctx.fail('_codecs.encode: character outside latin-1');
      out[i] = c;
    }
    return out;
  },
};

/** `collections.OrderedDict()` (optionally with a list of pairs) as a `Map`; BUILD state (`_metadata`) is dropped. */
export const orderedDict: PickleReducer = {
  call(args, ctx) {
    const items = args[0];
    if (items === undefined) return new Map();
    if (!Array.isArray(items) || !items.every((p) => Array.isArray(p) && p.length === 2)) ctx.fail('OrderedDict arguments are not a list of pairs');
    return new Map(items as [unknown, unknown][]);
  },
  newObject() {
    return new Map();
  },
  build() {},
};

/** The one-line refusal for a name that is not in the table. */
export function refuseGlobal(fullName: string, allowed: PickleGlobals, file: string | undefined, offset: number, how = ''): never {
  const names = [...allowed.keys()];
  const list = names.length === 0 ? 'none is allowed here' : `allowed here: ${names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ')}`;
  throw new InputError(`refusing global ${fullName}${how} (${list}); nothing in a pickle is executed`, { file, offset });
}
