import { existsSync } from 'node:fs';
import { InputError } from '@descbench/core';
import { PICKLES } from './__fixtures__/pickles';
import { parsePickle, pickleDictGet, type PickledNdarray, type PickleValue } from './pickle';
import { readRevisitopGnd, revisitopGndFromPickle } from './revisitop-gnd';
import { sharedFiles } from '../../../core/src/__fixtures__/shared';

const fixture = (k: string): Uint8Array => new Uint8Array(Buffer.from(PICKLES[k] as string, 'base64'));
const get = (d: PickleValue, k: string): PickleValue => pickleDictGet(d, k);

describe('pickle reader: plain data, protocols 0-5', () => {
  for (let p = 0; p <= 5; p++) {
    it(`protocol ${p}`, () => {
      const d = parsePickle(fixture(`plain_p${p}`));
      expect(get(d, 's')).toBe('héllo');
      expect(Array.from(get(d, 'b') as Uint8Array)).toEqual([0, 255]);
      expect(get(d, 'i')).toEqual([0, -1, 255, 65535, -(2 ** 31), 2 ** 31, 2n ** 63n, -(2n ** 70n)]);
      const f = get(d, 'f') as number[];
      expect(f[0]).toBe(1.5);
      expect(Object.is(f[1], -0)).toBe(true);
      expect(f[2]).toBe(1e300);
      const t = get(d, 't') as readonly PickleValue[];
      expect(Object.isFrozen(t)).toBe(true);
      expect(t).toEqual([1, [2, 3]]);
      expect(get(d, 'n')).toBeNull();
      expect(get(d, 'bool')).toEqual([true, false]);
      const dd = get(d, 'd') as Map<PickleValue, PickleValue>;
      expect(dd.get(1)).toBe('one');
      expect([...dd.values()]).toEqual(['one', 'tup']);
    });
  }
});

describe('pickle reader: sets', () => {
  it('protocol 4 sets and frozensets (opcodes, no global)', () => {
    const d = parsePickle(fixture('sets_p4'));
    expect(get(d, 'set')).toEqual(new Set([1, 2]));
    expect(get(d, 'fs')).toEqual(new Set([3]));
  });
  it('protocol 2 sets go through a builtins global, which is refused like any other', () => {
    expect(() => parsePickle(fixture('sets_p2'))).toThrow(/global __builtin__\.set/);
  });
});

describe('pickle reader: numpy arrays and scalars, protocols 0-5', () => {
  for (let p = 0; p <= 5; p++) {
    it(`protocol ${p}`, () => {
      const d = parsePickle(fixture(`numpy_p${p}`));
      const arr = (k: string): PickledNdarray => get(d, k) as PickledNdarray;
      expect(arr('f4').dtype).toBe('float32');
      expect(arr('f4').shape).toEqual([2, 3]);
      expect(Array.from(arr('f4').data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(Array.from(arr('f8').data as Float64Array)).toEqual([1.25, -2.5, 3, 4]);
      expect(Array.from(arr('i8').data as BigInt64Array)).toEqual([1n, -2n, 3n]);
      expect(Array.from(arr('u1').data as Uint8Array)).toEqual([1, 2, 255]);
      expect(arr('fort').fortranOrder).toBe(true);
      expect(Array.from(arr('fort').data as Int32Array)).toEqual([0, 3, 1, 4, 2, 5]);
      expect(Array.from(arr('be').data as Float64Array)).toEqual([1, 2]);
      expect(get(d, 'scalar')).toBe(7);
      expect(get(d, 'fscalar')).toBe(0.5);
    });
  }
});

describe('pickle reader: refuses code and broken input', () => {
  it('refuses os.system through GLOBAL + REDUCE (protocols 0, 2) naming the global and offset', () => {
    expect(() => parsePickle(fixture('evil_p0'), { file: 'evil.pkl' })).toThrow(InputError);
    expect(() => parsePickle(fixture('evil_p0'), { file: 'evil.pkl' })).toThrow(/^evil.pkl, byte 0: .*global posix\.system/);
    expect(() => parsePickle(fixture('evil_p2'))).toThrow(/^byte 2: .*posix\.system/);
  });
  it('refuses os.system through STACK_GLOBAL (protocol 4) and nested inside data', () => {
    expect(() => parsePickle(fixture('evil_p4'))).toThrow(/byte \d+: .*global posix\.system/);
    expect(() => parsePickle(fixture('evil_nested_p3'))).toThrow(/posix\.system/);
  });
  it('refuses building instances of other classes', () => {
    expect(() => parsePickle(fixture('object_p2'))).toThrow(/__main__\.Plain/);
  });
  it('refuses builtins even when spelled by hand (GLOBAL builtins.eval)', () => {
    const evil = Buffer.from("cbuiltins\neval\n(S'1+1'\ntR.", 'latin1');
    expect(() => parsePickle(new Uint8Array(evil))).toThrow(/builtins\.eval/);
    const inst = Buffer.from("(S'ls'\nios\nsystem\n.", 'latin1');
    expect(() => parsePickle(new Uint8Array(inst))).toThrow(/os\.system \(INST\)/);
  });
  it('refuses a bare numpy dtype in the result; accepts a self-referencing list', () => {
    // pickle.dumps((np.dtype('f4'),), protocol=2)
    const dt = Buffer.from('gAJjbnVtcHkKZHR5cGUKcQBYAgAAAGY0cQGJiIdxAlJxAyhLA1gBAAAAPHEETk5OSv////9K/////0sAdHEFYoVxBi4=', 'base64');
    expect(() => parsePickle(new Uint8Array(dt))).toThrow(/not plain data/);
    // l = [1]; l.append(l); pickle.dumps(l, protocol=2)
    const cyc = parsePickle(new Uint8Array(Buffer.from('gAJdcQAoSwFoAGUu', 'base64'))) as PickleValue[];
    expect(cyc[0]).toBe(1);
    expect(cyc[1]).toBe(cyc);
  });
  it('reports truncation with an offset', () => {
    const full = fixture('plain_p4');
    for (const cut of [1, 10, full.length >> 1, full.length - 1]) {
      expect(() => parsePickle(full.subarray(0, cut), { file: 'cut.pkl' })).toThrow(/cut\.pkl, byte \d+: truncated pickle/);
    }
    expect(() => parsePickle(new Uint8Array([]))).toThrow(/truncated/);
  });
  it('reports unknown opcodes and bad memo references', () => {
    expect(() => parsePickle(new Uint8Array([0x80, 0x02, 0xff]))).toThrow(/unknown pickle opcode 0xff/);
    expect(() => parsePickle(new Uint8Array([0x80, 0x02, 0x68, 0x05, 0x2e]))).toThrow(/memo entry 5/);
    expect(() => parsePickle(new Uint8Array([0x80, 0x02, 0x2e]))).toThrow(/stack underflow/);
  });
});

const shared = sharedFiles('reading the real revisitop ground-truth pickles', ['data/revisitop/gnd_roxford5k.pkl', 'data/revisitop/gnd_rparis6k.pkl']);

shared.describe('revisitop ground truth pickles', () => {
  for (const [name, nq, ndb] of [['roxford5k', 70, 4993], ['rparis6k', 70, 6322]] as const) {
    it(`${name}: ${nq} queries, ${ndb} images`, () => {
      const path = shared.path(`data/revisitop/gnd_${name}.pkl`);
      expect(existsSync(path)).toBe(true);
      const g = readRevisitopGnd(path);
      expect(g.qimlist.length).toBe(nq);
      expect(g.imlist.length).toBe(ndb);
      expect(g.gnd.length).toBe(nq);
      for (const q of g.gnd) {
        expect(q.bbx.length).toBe(4);
        expect(q.easy.length + q.hard.length).toBeGreaterThan(0);
      }
    });
  }
  it('first roxford5k query matches the file (bbx as python reads it)', () => {
    const g = readRevisitopGnd(shared.path('data/revisitop/gnd_roxford5k.pkl'));
    expect(g.gnd[0]?.bbx).toEqual([136.5, 34.1, 648.5, 955.7]);
  });
});

describe('revisitop ground truth from a pickle value', () => {
  it('validates indices against imlist', () => {
    const bad = new Map<PickleValue, PickleValue>([
      ['imlist', ['a', 'b']],
      ['qimlist', ['q']],
      ['gnd', [new Map<PickleValue, PickleValue>([['bbx', [0, 0, 1, 1]], ['easy', [0]], ['hard', [2]], ['junk', []]])]],
    ]);
    expect(() => revisitopGndFromPickle(bad, 'g.pkl')).toThrow(/g\.pkl, query 0: "hard" index 2 is outside \[0, 2\)/);
  });
});
