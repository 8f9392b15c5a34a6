import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '@descbench/core';
import { encodePngGray, readPnm, toGray, decodePnm } from './image-io';
import {
  HPATCHES_IMAGES,
  checkPatchList,
  loadHPatchesSequence,
  listHPatchesSequences,
  readHPatchesPatchList,
  readHPatchesSplits,
  readPatchStrip,
} from './hpatches';
import { applyHomography, invert3, loadHPatchesImageSequence, mul3, readHomography } from './hpatches-sequences';
import { patchAt } from './ubc-phototour';
import { thrown } from './__fixtures__/thrown';
import { sharedFiles } from '../../core/src/__fixtures__/shared';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-hp-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function strip(n: number, seed: number, rows = n * 65): Uint8Array {
  const px = new Uint8Array(65 * rows);
  for (let i = 0; i < px.length; i++) px[i] = (Math.floor(i / (65 * 65)) * 7 + seed + (i % 13)) & 255;
  return encodePngGray({ width: 65, height: rows, pixels: px });
}

describe('HPatches patch release (generated)', () => {
  it('reads a sequence of 16 strips; patch k = rows 65k..65k+64', () => {
    const dir = join(tmp, 'v_gen');
    mkdirSync(dir);
    HPATCHES_IMAGES.forEach((im, j) => writeFileSync(join(dir, `${im}.png`), strip(4, j)));
    mkdirSync(join(tmp, 'i_gen'));
    writeFileSync(join(tmp, 'i_gen', 'ref.png'), strip(2, 0));
    const seq = loadHPatchesSequence(dir);
    expect(seq.kind).toBe('view');
    expect(seq.count).toBe(4);
    expect(seq.images.size).toBe(16);
    expect(patchAt(seq.images.get('h3')!, 2)[0]).toBe((2 * 7 + HPATCHES_IMAGES.indexOf('h3')) & 255);
    expect(listHPatchesSequences(tmp)).toEqual(['i_gen', 'v_gen']);
    expect(loadHPatchesSequence(join(tmp, 'i_gen')).images.size).toBe(1);
  });
  it('a strip whose height is not a multiple of 65 -> InputError', () => {
    const f = join(tmp, 'bad.png');
    writeFileSync(f, strip(3, 0, 3 * 65 + 10));
    const e = thrown(() => readPatchStrip(f));
    expect(isInputError(e)).toBe(true);
    expect(e.message).toBe(`${f}: patch strip height 205 is not a multiple of 65 (3 whole patches + 10 rows)`);
  });
  it('strips of unequal length in one sequence -> InputError', () => {
    const dir = join(tmp, 'v_uneq');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ref.png'), strip(3, 0));
    writeFileSync(join(dir, 'e1.png'), strip(2, 0));
    expect(thrown(() => loadHPatchesSequence(dir)).message).toMatch(/e1\.png: 2 patches, but ref\.png has 3/);
  });
  it('patch lists: header, fields and range checks name file:line', () => {
    const f = join(tmp, 'q.csv');
    writeFileSync(f, 's,idx\nv_gen,3\ni_gen,1\n');
    const l = readHPatchesPatchList(f);
    expect(l.sequence).toEqual(['v_gen', 'i_gen']);
    checkPatchList(l, new Map([['v_gen', 4], ['i_gen', 2]]), f);
    expect(thrown(() => checkPatchList(l, new Map([['v_gen', 3], ['i_gen', 2]]), f)).message).toMatch(/q\.csv:2, column "idx": patch index 3 outside 0\.\.2/);
    writeFileSync(f, 's,idx\nv_gen,3\ni_gen,-1\n');
    expect(thrown(() => readHPatchesPatchList(f)).message).toMatch(/q\.csv:3, column "idx"/);
    writeFileSync(f, 'seq,idx\n');
    expect(thrown(() => readHPatchesPatchList(f)).message).toMatch(/q\.csv:1: expected header/);
  });
  it('homography files that are not 3x3 -> InputError naming file and line', () => {
    const f = join(tmp, 'H_1_2');
    writeFileSync(f, '1 0 0\n0 1\n0 0 1\n');
    expect(thrown(() => readHomography(f)).message).toBe(`${f}:2: a homography row has 3 numbers, found 2`);
    writeFileSync(f, '1 0 0\n0 1 0\n0 0 1\n1 1 1\n');
    expect(thrown(() => readHomography(f)).message).toMatch(/H_1_2:4: a homography has 3 rows; found a 4th/);
    writeFileSync(f, '1 0 0\n0 1 0\n');
    expect(thrown(() => readHomography(f)).message).toMatch(/H_1_2:3: a homography has 3 rows, found 2/);
    writeFileSync(f, '1 0 0\n0 x 0\n0 0 1\n');
    expect(thrown(() => readHomography(f)).message).toMatch(/H_1_2:2, column "1": not a number/);
  });
  it('corrupt PNGs, bad PPM headers and malformed splits.json are InputErrors naming the file', () => {
    const f = join(tmp, 'trunc.png');
    writeFileSync(f, strip(2, 0).subarray(0, 60));
    const e = thrown(() => readPatchStrip(f));
    expect(isInputError(e)).toBe(true);
    expect(e.message).toMatch(/trunc\.png: not a readable PNG/);
    expect(thrown(() => decodePnm(Buffer.from('P3\n1 1\n255\n0 0 0'), 'a.ppm')).message).toMatch(/a\.ppm, byte 0: unsupported PNM type "P3"/);
    expect(thrown(() => decodePnm(Buffer.from('P6\n1 x\n255\n'), 'b.ppm')).message).toMatch(/b\.ppm, byte 4: bad height "x"/);
    const sj = join(tmp, 'splits.json');
    writeFileSync(sj, '{"a": {"test": ["v_x", 3]}}');
    expect(thrown(() => readHPatchesSplits(sj)).message).toMatch(/splits\.json, split "a": "test" must be a list of sequence names/);
    writeFileSync(sj, '{"a": ');
    expect(thrown(() => readHPatchesSplits(sj)).message).toMatch(/splits\.json: not valid JSON/);
  });
  it('PPM parsing with comments and truncation', () => {
    const head = Buffer.from('P6\n# c\n2 1\n255\n');
    const img = decodePnm(Buffer.concat([head, Buffer.from([255, 0, 0, 0, 0, 255])]));
    expect(Array.from(toGray(img).pixels)).toEqual([76, 29]);
    expect(thrown(() => decodePnm(Buffer.concat([head, Buffer.from([1, 2])]), 'x.ppm')).message).toMatch(/x\.ppm, byte 17: truncated pixel data/);
  });
});

const shared = sharedFiles('reading the real HPatches samples', ['data/hpatches/ref-strip-unknown-sequence.png', 'data/hpatches/sequences/v_churchill', 'data/hpatches/tasks/splits.json']);
shared.describe('real HPatches data', () => {
  const root = shared.dir ? join(shared.dir, 'data/hpatches') : '';
  // Expected values computed at authoring time with python3-opencv 4.6 (cv2.imread(f, 0)) and np.loadtxt.
  it('the unnamed ref strip: 1,123 patches of 65x65', () => {
    const set = readPatchStrip(join(root, 'ref-strip-unknown-sequence.png'));
    expect(set.count).toBe(1123);
    expect(set.size).toBe(65);
    expect(sha(set.data)).toBe('59b9508ef7efa9b72de8aba238929a03f1c2d4bb019cb7784cea93c290027d55');
    expect(patchAt(set, 500).reduce((s, v) => s + v, 0)).toBe(658756);
  });
  it('v_churchill: 6 images, 5 homographies', () => {
    const seq = loadHPatchesImageSequence(join(root, 'sequences/v_churchill'));
    expect(seq.images.map((im) => [im.width, im.height, im.channels])).toEqual(Array(6).fill([768, 1024, 3]));
    expect(Array.from(seq.homographies[0]!)).toEqual([2.3594, 0.0026252, -116.05, 0.5085, 2.302, -550.96, 0.0013826, 0.0001837, 1.0004]);
    expect(Array.from(seq.homographies[4]!)).toEqual([0.14983, 0.088928, 71.215, -0.29686, 0.83924, 37.506, -0.00076645, 4.1728e-5, 0.9906]);
    const graySums = [98716155, 107901567, 105295871, 98169352, 90636154, 84156550];
    seq.images.forEach((im, k) => expect(toGray(im).pixels.reduce((s, v) => s + v, 0)).toBe(graySums[k]));
    const id = mul3(seq.homographies[2]!, invert3(seq.homographies[2]!));
    const [x, y] = applyHomography(id, 100, 200);
    expect(x).toBeCloseTo(100, 9);
    expect(y).toBeCloseTo(200, 9);
    expect(readPnm(join(root, 'sequences/v_churchill/1.ppm')).data.reduce((s, v) => s + v, 0)).toBe(289282254);
  });
  it('splits.json and the split-a retrieval lists', () => {
    const splits = readHPatchesSplits(join(root, 'tasks/splits.json'));
    for (const k of ['a', 'b', 'c']) {
      expect(splits.get(k)!.test).toHaveLength(40);
      expect(splits.get(k)!.train).toHaveLength(76);
    }
    expect(splits.get('illum')!.test).toHaveLength(57);
    expect(splits.get('view')!.test).toHaveLength(59);
    expect(splits.get('full')!.test).toHaveLength(116);
    const q = readHPatchesPatchList(join(root, 'tasks/retr_queries_split-a.csv'));
    const dd = readHPatchesPatchList(join(root, 'tasks/retr_distractors_split-a.csv'));
    expect(q.sequence[0]).toBe('v_birdwoman');
    expect(q.index[0]).toBe(3);
    expect(dd.sequence[0]).toBe('i_whitebuilding');
    const test = new Set(splits.get('a')!.test);
    expect(q.sequence.every((s) => test.has(s))).toBe(true);
  });
});
