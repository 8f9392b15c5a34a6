import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicSync } from './atomic-write';
import { ensureDir } from './ensure-dir';
import { chooseBackend, type BackendProbe } from './backend';
import { formatInputError, InputError, isInputError } from './errors';
import { createProgress } from './progress';
import { Registry, UnknownNameError } from './registry';
import { SeededRng } from './rng';

describe('SeededRng', () => {
  test('same seed, same stream; different seed, different stream', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const xs = Array.from({ length: 5 }, () => a.int(0, 1000));
    expect(Array.from({ length: 5 }, () => b.int(0, 1000))).toEqual(xs);
    expect(Array.from({ length: 5 }, () => new SeededRng(43).int(0, 1000))).not.toEqual(xs);
  });
  test('float in [0,1), shuffle is a permutation, fork is independent of prior draws', () => {
    const r = new SeededRng(1);
    for (let i = 0; i < 1000; i++) {
      const f = r.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
    expect(r.shuffle([...Array(50).keys()]).sort((p, q) => p - q)).toEqual([...Array(50).keys()]);
    const f1 = new SeededRng(7).fork(3).int(0, 1e9);
    const used = new SeededRng(7);
    used.float();
    expect(used.fork(3).int(0, 1e9)).toBe(f1);
  });
  test('normal samples have mean ~0 and std ~1', () => {
    const r = new SeededRng(5);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
  test('refuses a non-integer seed', () => {
    expect(() => new SeededRng(1.5)).toThrow(/integer/);
  });
});

describe('Registry', () => {
  const r = new Registry<number>('model').register('hardnet', 1).register('hynet', 2).register('sosnet', 3);
  test('get, names, glob', () => {
    expect(r.get('hynet')).toBe(2);
    expect(r.names('*net')).toEqual(['hardnet', 'hynet', 'sosnet']);
    expect(r.names('h*')).toEqual(['hardnet', 'hynet']);
  });
  test('unknown names are input errors with near misses', () => {
    expect(() => r.get('hardnett')).toThrow('unknown model "hardnett"; did you mean "hardnet", "hynet"?');
    // the error is caught outside any `catch` so that a get() that does not throw fails the test
    let e: unknown;
    try {
      r.get('zzzzzzzzzzzz');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(UnknownNameError);
    expect(isInputError(e)).toBe(true);
    expect((e as Error).message).toBe('unknown model "zzzzzzzzzzzz"');
  });
  test('double registration is a bug', () => {
    expect(() => new Registry<number>('x').register('a', 1).register('a', 2)).toThrow(/already registered/);
  });
});

describe('InputError', () => {
  test('one line naming file, line, row and column', () => {
    const e = new InputError('expected a number,\n got "x"', { file: 'r.csv', line: 3, row: 'x', column: 'a' });
    expect(e.message).toBe('r.csv:3, row "x", column "a": expected a number, got "x"');
    expect(e.exitCode).toBe(2);
    expect(formatInputError('truncated', { file: 'a.bmp', offset: 1078 })).toBe('a.bmp, byte 1078: truncated');
  });
});

describe('progress', () => {
  test('plain mode writes throttled lines with ETA and a final line', () => {
    const lines: string[] = [];
    let t = 0;
    const p = createProgress('decode', 100, { plain: true, plainEverySec: 1, write: (l) => lines.push(l), now: () => t });
    for (let i = 0; i < 100; i++) {
      t += 50;
      p.tick();
    }
    p.done();
    expect(lines[0]).toBe('decode: 1/100 (1.0%) elapsed 0.1s eta 5.0s');
    expect(lines.length).toBe(6);
    expect(lines[lines.length - 1]).toBe('decode: 100/100 (100.0%) elapsed 5.0s eta 0.0s');
  });
});

describe('backend choice', () => {
  const probe = (installed: string[], adapter = false): BackendProbe => ({ isInstalled: (p) => installed.includes(p), hasWebGpuAdapter: () => adapter });
  test('auto prefers tfjs-node-gpu, then tfjs-node, then webgpu with an adapter, then wasm, then cpu', () => {
    expect(chooseBackend('auto', probe(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'])).backend).toBe('tensorflow-gpu');
    expect(chooseBackend('auto', probe(['@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'])).backend).toBe('tensorflow');
    expect(chooseBackend('auto', probe(['@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'], true)).backend).toBe('webgpu');
    const c = chooseBackend('auto', probe(['@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu']));
    expect(c.backend).toBe('wasm');
    expect(c.why).toContain('webgpu: no WebGPU adapter');
    expect(chooseBackend('auto', probe(['@tensorflow/tfjs-backend-cpu'])).backend).toBe('cpu');
  });
  test('a requested backend that is not installed is an input error', () => {
    expect(() => chooseBackend('tensorflow', probe(['@tensorflow/tfjs-backend-cpu']))).toThrow(/--backend: backend "tensorflow" is not usable here: @tensorflow\/tfjs-node is not installed/);
    expect(() => chooseBackend('auto', probe([]))).toThrow(/no tensor backend is installed/);
  });
});

describe('writeFileAtomicSync', () => {
  test('writes the whole file and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descbench-atomic-'));
    const f = join(dir, 'sub', 'r.json');
    writeFileAtomicSync(f, '{"a":1}');
    writeFileAtomicSync(f, new Uint8Array([123, 125]));
    expect(readFileSync(f, 'utf8')).toBe('{}');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['r.json']);
  });
});

describe('ensureDir', () => {
  test('creates missing parents level by level; an existing folder is fine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descbench-ensure-'));
    ensureDir(join(dir, 'a', 'b', 'c'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    ensureDir(join(dir, 'a'));
  });
  test('a file in the way is an input error naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descbench-ensure-'));
    writeFileSync(join(dir, 'f'), '');
    expect(() => ensureDir(join(dir, 'f', 'sub'))).toThrow(InputError);
    expect(() => writeFileAtomicSync(join(dir, 'f', 'sub', 'x.npy'), 'x')).toThrow(/f is a file, not a folder/);
  });
  // Node's mkdirSync(recursive) never returns for /proc/x; this must fail at once instead
  (existsSync('/proc/self') ? test : test.skip)('an uncreatable folder (/proc/x) fails at once with an input error', () => {
    expect(() => ensureDir('/proc/descbench-x/d')).toThrow(/^\/proc\/descbench-x: cannot create the folder \(ENOENT\)/);
    expect(() => writeFileAtomicSync('/proc/descbench-x/d.npy', 'x')).toThrow(InputError);
  });
});

describe('writeDirAtomicSync', () => {
  const { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  const { writeDirAtomicSync } = require('./atomic-write') as typeof import('./atomic-write');

  test('replaces the folder whole, and leaves the old one and no temporary folder when filling fails', () => {
    const root = mkdtempSync(join(tmpdir(), 'dir-atomic-'));
    const dir = join(root, 'seq');
    writeDirAtomicSync(dir, (tmp) => writeFileSync(join(tmp, 'a.txt'), 'one'));
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one');
    expect(() =>
      writeDirAtomicSync(dir, (tmp) => {
        writeFileSync(join(tmp, 'a.txt'), 'two');
        throw new Error('killed');
      }),
    ).toThrow('killed');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one');
    expect(readdirSync(root)).toEqual(['seq']);
    writeDirAtomicSync(dir, (tmp) => writeFileSync(join(tmp, 'b.txt'), 'three'));
    expect(existsSync(join(dir, 'a.txt'))).toBe(false);
    expect(readdirSync(root)).toEqual(['seq']);
  });
});
