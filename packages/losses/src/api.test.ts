import * as tf from '@tensorflow/tfjs-core';
import { InputError, UnknownNameError } from '@descbench/core';
import './__fixtures__/fixtures'; // registers the cpu backend and tfjs's gradients
import {
  LOSSES,
  contrastiveLoss,
  csaContrastiveLoss,
  hardnetLoss,
  hynetLoss,
  hynetTripletL2,
  parseTuples,
  solarLoss,
  sosAdjacency,
  pairDistances,
  sosnetLoss,
} from './index';

function unitRows(n: number, d: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, d], 0, 1, 'float32', seed);
    return tf.div(x, tf.norm(x, 'euclidean', 1, true)) as tf.Tensor2D;
  });
}

describe('registry', () => {
  test('every entry names its source and inputs', () => {
    expect(LOSSES.names().length).toBeGreaterThanOrEqual(16);
    for (const name of LOSSES.names()) {
      const e = LOSSES.get(name);
      expect(e.source.length).toBeGreaterThan(5);
      expect(e.inputs.length).toBeGreaterThan(0);
    }
  });

  test('unknown names fail with suggestions', () => {
    expect(() => LOSSES.get('hardnett')).toThrow(UnknownNameError);
    expect(() => LOSSES.get('hardnett')).toThrow(/did you mean "hardnet"/);
  });

  test('missing inputs, unknown options and wrong option types are input errors', () => {
    const a = unitRows(4, 8, 1);
    expect(() => LOSSES.get('hardnet').compute({ anchors: a })).toThrow(InputError);
    expect(() => LOSSES.get('hardnet').compute({ anchors: a, positives: a }, { margn: 1 })).toThrow(/unknown option "margn"/);
    expect(() => LOSSES.get('hardnet').compute({ anchors: a, positives: a }, { margin: '1' })).toThrow(/must be a number/);
    expect(() => LOSSES.get('hynet-d').compute({ anchors: a, positives: a }, { gamma: 0 })).toThrow(/margin is required/);
    a.dispose();
  });
});

describe('input validation', () => {
  test('shape mismatches and tiny batches', () => {
    const a = unitRows(4, 8, 2);
    const b = unitRows(5, 8, 3);
    const one = unitRows(1, 8, 4);
    expect(() => hardnetLoss(a, b)).toThrow(/same shape/);
    expect(() => hardnetLoss(one, one)).toThrow(/at least 2 pairs/);
    expect(() => sosnetLoss(a, a, { k: 0 })).toThrow(/positive integer/);
    expect(() => hynetLoss(a, a)).toThrow(/rawAnchors and rawPositives are needed/);
    expect(() => hardnetLoss(tf.cast(a, 'int32') as tf.Tensor2D, a)).toThrow(/float32/);
    tf.dispose([a, b, one]);
  });

  test('tuple labels', () => {
    const x = unitRows(6, 4, 5);
    expect(parseTuples(x, [-1, 1, 0, -1, 1, 0], 't', true)).toMatchObject({ nq: 2, size: 3 });
    expect(() => solarLoss(x, [-1, 1, 0, 0, -1, 1])).toThrow(/does not start with its query|equal tuples/);
    expect(() => solarLoss(x, [-1, 1, 1, -1, 1, 0])).toThrow(/exactly one positive/);
    expect(() => contrastiveLoss(x, [-1, 1, 2, -1, 1, 0])).toThrow(/expected -1, 0 or 1/);
    expect(() => contrastiveLoss(x, [-1, 1, 0])).toThrow(/3 labels for 6/);
    expect(contrastiveLoss(x, [-1, 1, 1, -1, 0, 0]).dataSync()[0]).toBeGreaterThanOrEqual(0);
    x.dispose();
  });

  test('CSA targets need a positive per row', () => {
    const tokens = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 6) as tf.Tensor3D;
    expect(() => csaContrastiveLoss(tokens, tf.tensor2d([[1, 0, 0], [0, 0, 0]]))).toThrow(/no positive/);
    expect(() => csaContrastiveLoss(tokens, tf.tensor2d([[1, 0.5, 0], [1, 0, 0]]))).toThrow(/expected 0 or 1/);
    tokens.dispose();
  });
});

describe('behaviour', () => {
  test('no tensors leak from a loss, its gradient or the registry', () => {
    const a = unitRows(16, 8, 7);
    const p = unitRows(16, 8, 8);
    const before = tf.memory().numTensors;
    for (const name of ['hardnet', 'sos', 'sosnet', 'hynet-a']) {
      const inputs = { anchors: a, positives: p, rawAnchors: a, rawPositives: p };
      LOSSES.get(name).compute(inputs).dispose();
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => LOSSES.get(name).compute({ ...inputs, anchors: x, positives: y }));
      tf.dispose(g([a, p]));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, p]);
  });

  test('usable with tf.variableGrads: an SGD step lowers the HardNet loss', () => {
    const a = tf.variable(unitRows(32, 16, 9));
    const p = tf.variable(unitRows(32, 16, 10));
    const loss = (): tf.Scalar => hardnetLoss(a, p);
    const before = loss().dataSync()[0] as number;
    const { value, grads } = tf.variableGrads(loss);
    tf.tidy(() => {
      a.assign(tf.sub(a, tf.mul(0.1, grads[a.name] as tf.Tensor)));
      p.assign(tf.sub(p, tf.mul(0.1, grads[p.name] as tf.Tensor)));
    });
    expect(value.dataSync()[0]).toBeCloseTo(before, 6);
    expect(loss().dataSync()[0]).toBeLessThan(before);
    tf.dispose([value, ...Object.values(grads), a, p]);
  });

  test('deterministic: the same inputs give bitwise the same value and gradient', () => {
    const a = unitRows(24, 8, 11);
    const p = unitRows(24, 8, 12);
    const run = () => {
      const g = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => sosnetLoss(x as tf.Tensor2D, y as tf.Tensor2D, { crossGraph: true }));
      const { value, grads } = g([a, p]);
      const out = [value.dataSync()[0], ...Array.from(grads[0]!.dataSync())];
      tf.dispose([value, ...grads]);
      return out;
    };
    expect(run()).toEqual(run());
    tf.dispose([a, p]);
  });

  test('SOS adjacency is symmetric with an empty diagonal; k = N - 1 links every pair', () => {
    const a = unitRows(6, 4, 13);
    const p = unitRows(6, 4, 14);
    const d = pairDistances(a, p);
    const adj = sosAdjacency(d, 2, false).arraySync();
    adj.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(adj[j]![i])));
    adj.forEach((row, i) => expect(row[i]).toBe(0));
    const full = sosAdjacency(d, 5, false).arraySync();
    expect(full.flat().reduce((s, v) => s + v, 0)).toBe(30);
    tf.dispose([a, p, ...Object.values(d)]);
  });

  test('HyNet L2 triplet without the regulariser needs no raw descriptors', () => {
    const a = unitRows(8, 8, 15);
    const p = unitRows(8, 8, 16);
    const v = hynetTripletL2(a, p, undefined, undefined, { margin: 1, gamma: 0 });
    expect(Number.isFinite(v.dataSync()[0])).toBe(true);
    tf.dispose([a, p, v]);
  });
});
