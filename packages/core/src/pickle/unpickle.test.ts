import { InputError } from '../errors';
import { PickleGlobalRef, codecsEncode, orderedDict, ownEntry, pickleGlobals, type PickleReducer } from './globals';
import { numpyGlobals } from './numpy';
import { unpickle } from './unpickle';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
/** GLOBAL `module\nname\n`, then an empty tuple, REDUCE, STOP (protocol 2). */
const callGlobal = (module: string, name: string): Uint8Array => bytes([0x80, 0x02, 0x63], `${module}\n${name}\n`, [0x29, 0x52, 0x2e]);

describe('unpickle: plain data', () => {
  it('reads what python writes for OrderedDict([("a", 1)]) (protocols 2 and 4) with the OrderedDict reducer', () => {
    const p2 = bytes([0x80, 0x02], 'ccollections\nOrderedDict\nq\x00)Rq\x01X\x01\x00\x00\x00aq\x02K\x01s.');
    const p4 = bytes([0x80, 0x04, 0x95, 0x29, 0, 0, 0, 0, 0, 0, 0, 0x8c, 0x0b], 'collections', [0x94, 0x8c, 0x0b], 'OrderedDict', [0x94, 0x93, 0x94], ')R', [0x94, 0x8c, 0x01], 'a', [0x94], 'K\x01s.');
    const globals = pickleGlobals({ 'collections.OrderedDict': orderedDict });
    for (const b of [p2, p4]) expect(unpickle(b, { globals }).value).toEqual(new Map([['a', 1]]));
  });
  it('reads several pickles in a row (start, end) and reports offsets within the file', () => {
    const two = bytes([0x80, 0x02, 0x4b, 0x07, 0x2e, 0x80, 0x02, 0x4e, 0x2e]);
    const a = unpickle(two);
    expect(a).toEqual({ value: 7, end: 5 });
    expect(unpickle(two, { start: a.end }).value).toBeNull();
    expect(() => unpickle(bytes([0x80, 0x02, 0xff]), { file: 'x.pkl', baseOffset: 100 })).toThrow(/^x\.pkl, byte 102: unknown pickle opcode 0xff/);
  });
});

describe('unpickle: globals are refused unless the caller allows them', () => {
  it('refuses os.system without executing it, naming the global and the offset', () => {
    expect(() => unpickle(callGlobal('os', 'system'), { file: 'evil.pkl' })).toThrow(InputError);
    expect(() => unpickle(callGlobal('os', 'system'), { file: 'evil.pkl' })).toThrow(/^evil\.pkl, byte 2: refusing global os\.system \(none is allowed here\)/);
    expect(() => unpickle(callGlobal('os', 'system'), { globals: numpyGlobals })).toThrow(/refusing global os\.system \(allowed here: numpy/);
  });
  it('never allows a name through the prototype chain (constructor, __proto__, toString, hasOwnProperty)', () => {
    const inherited = Object.create({ 'evil.inherited': { call: () => 'ran' } }) as Record<string, PickleReducer>;
    const globals = pickleGlobals(inherited, { 'torch.FloatStorage': {} });
    expect([...globals.keys()]).toEqual(['torch.FloatStorage']);
    for (const [m, n] of [['torch', 'constructor'], ['torch', '__proto__'], ['torch', 'toString'], ['evil', 'inherited'], ['torch', 'hasOwnProperty']]) {
      expect(() => unpickle(callGlobal(m as string, n as string), { globals })).toThrow(new RegExp(`refusing global ${m}\\.${n}`));
    }
    expect(ownEntry({ a: 1 }, 'constructor')).toBeUndefined();
    expect(ownEntry({ a: 1 }, 'a')).toBe(1);
  });
  it('refuses INST, OBJ, EXT, persistent ids without a loader, and out-of-band buffers', () => {
    expect(() => unpickle(bytes('(ios\nsystem\n.'))).toThrow(/os\.system \(INST\)/);
    expect(() => unpickle(bytes([0x80, 0x02, 0x82, 0x01, 0x2e]))).toThrow(/extension registry/);
    expect(() => unpickle(bytes([0x80, 0x02, 0x4b, 0x01, 0x51, 0x2e]))).toThrow(/persistent ids/);
    expect(() => unpickle(bytes([0x80, 0x05, 0x97, 0x2e]))).toThrow(/out-of-band/);
  });
  it('a global allowed only as a name cannot be called, built or instantiated', () => {
    const globals = pickleGlobals({ 'm.name': {} });
    expect(() => unpickle(callGlobal('m', 'name'), { globals })).toThrow(/calling m\.name is not allowed/);
    expect(() => unpickle(bytes([0x80, 0x02, 0x63], 'm\nname\n', [0x29, 0x81, 0x2e]), { globals })).toThrow(/NEWOBJ\) of m\.name, which is not allowed/);
    // a bare global as the result is not data
    expect(() => unpickle(bytes([0x80, 0x02, 0x63], 'm\nname\n', [0x2e]), { globals })).toThrow(/contains the global m\.name, which is not plain data/);
    // BUILD on a plain dict
    expect(() => unpickle(bytes([0x80, 0x02, 0x7d, 0x7d, 0x62, 0x2e]))).toThrow(/BUILD/);
  });
});

describe('unpickle: callers register reducers', () => {
  /** `Point(x, y)` then BUILD {'z': z}, as a table entry: call, build, finish, plus an internal helper. */
  const made: object[] = [];
  const point: PickleReducer = {
    call: (args, ctx) => {
      if (args.length !== 2 || !args.every((a) => typeof a === 'number')) ctx.fail('Point(x, y) needs two numbers');
      const p = { x: args[0], y: args[1] };
      made.push(p);
      return p;
    },
    build: (obj, state, ctx) => {
      if (!(state instanceof Map)) ctx.fail('Point state is not a dict');
      Object.assign(obj, { z: (state as Map<string, unknown>).get('z') });
    },
    finish: (obj, ctx) => {
      if (!('z' in obj)) ctx.fail('Point never got its z');
    },
  };
  const globals = pickleGlobals({ 'geo.Point': point, 'geo.Helper': { call: () => ({ helper: true }), internal: true } });
  // geo.Point (1, 2) REDUCE {'z': 3} BUILD STOP
  const withBuild = bytes([0x80, 0x02, 0x63], 'geo\nPoint\n', [0x4b, 1, 0x4b, 2, 0x86, 0x52, 0x7d, 0x8c, 1], 'z', [0x4b, 3, 0x73, 0x62, 0x2e]);
  it('call + build give the rebuilt value; finish runs at STOP', () => {
    expect(unpickle(withBuild, { globals }).value).toEqual({ x: 1, y: 2, z: 3 });
    expect(made).toHaveLength(1);
    const noBuild = bytes([0x80, 0x02, 0x63], 'geo\nPoint\n', [0x4b, 1, 0x4b, 2, 0x86, 0x52, 0x2e]);
    expect(() => unpickle(noBuild, { globals, file: 'p.pkl' })).toThrow(/^p\.pkl, byte \d+: Point never got its z/);
    const bad = bytes([0x80, 0x02, 0x63], 'geo\nPoint\n', [0x4b, 1, 0x85, 0x52, 0x2e]);
    expect(() => unpickle(bad, { globals })).toThrow(/needs two numbers/);
  });
  it('an internal helper may not reach the result', () => {
    expect(() => unpickle(bytes([0x80, 0x02, 0x63], 'geo\nHelper\n', [0x29, 0x52, 0x85, 0x2e]), { globals })).toThrow(/helper object/);
  });
  it('_codecs.encode rebuilds protocol-2 bytes', () => {
    const b = bytes([0x80, 0x02, 0x63], '_codecs\nencode\n', [0x8c, 3, 0x00, 0xc3, 0xbf, 0x8c, 6], 'latin1', [0x86, 0x52, 0x2e]);
    expect(Array.from(unpickle(b, { globals: pickleGlobals({ '_codecs.encode': codecsEncode }) }).value as Uint8Array)).toEqual([0, 255]);
  });
  it('the global refs it hands to reducers name module and name', () => {
    const seen: PickleGlobalRef[] = [];
    const g = pickleGlobals({ 'a.f': { call: (args) => (seen.push(args[0] as PickleGlobalRef), 1) }, 'b.c': {} });
    unpickle(bytes([0x80, 0x02, 0x63], 'a\nf\n', [0x63], 'b\nc\n', [0x85, 0x52, 0x2e]), { globals: g });
    expect(seen[0]).toBeInstanceOf(PickleGlobalRef);
    expect(seen[0]!.fullName).toBe('b.c');
  });
});
