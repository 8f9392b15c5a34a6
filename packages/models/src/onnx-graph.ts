import { onnx } from 'onnx-proto';
import { layerShapes, type NetSpec } from './spec';
import type { StateDict } from './state-dict';

/**
 * Build an ONNX model (opset 13, NCHW) of a spec's inference graph from its PyTorch-layout state
 * dict. Input `patches` `[B, 1, P, P]`, output `descriptors` `[B, dim]`; with
 * `attentionOutputs`, each SOA block's attention `[B, N, N]` is an extra output `attention_soa<i>`.
 * Dropout is left out (inference). The graph is serialised with `onnx-proto` (protobufjs).
 */
export function buildOnnxModel(spec: NetSpec, sd: StateDict, o: { attentionOutputs?: boolean } = {}): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const extraOutputs: onnx.IValueInfoProto[] = [];
  let counter = 0;
  const fresh = (base: string): string => `${base}_${counter++}`;

  const floatInit = (name: string, dims: number[], data: Float32Array | number[]): string => {
    const f = data instanceof Float32Array ? data : Float32Array.from(data);
    inits.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength)),
    });
    return name;
  };
  const int64Init = (name: string, values: number[]): string => {
    const b = new BigInt64Array(values.map((v) => BigInt(v)));
    inits.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(b.buffer) });
    return name;
  };
  const scalar = (v: number): string => floatInit(fresh('const'), [], [v]);
  const weight = (key: string): string => {
    const t = sd.get(key);
    if (t === undefined) throw new Error(`state dict lacks ${key}`);
    return floatInit(key, t.shape, t.data);
  };
  const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  const int = (name: string, v: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
  const float = (name: string, v: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v });
  const node = (opType: string, inputs: string[], attribute: onnx.IAttributeProto[] = [], output?: string): string => {
    const out = output ?? fresh(opType.toLowerCase());
    nodes.push({ opType, input: inputs, output: [out], name: fresh(`n_${opType}`), attribute });
    return out;
  };
  const conv = (x: string, key: string, k: number, stride: number, pad: number, bias: boolean): string =>
    node('Conv', bias ? [x, weight(`${key}.weight`), weight(`${key}.bias`)] : [x, weight(`${key}.weight`)], [
      ints('kernel_shape', [k, k]),
      ints('strides', [stride, stride]),
      ints('pads', [pad, pad, pad, pad]),
    ]);
  const batchNorm = (x: string, key: string, c: number, eps: number, affine: boolean): string => {
    const scale = affine ? weight(`${key}.weight`) : floatInit(`${key}.ones`, [c], new Float32Array(c).fill(1));
    const bias = affine ? weight(`${key}.bias`) : floatInit(`${key}.zeros`, [c], new Float32Array(c));
    return node('BatchNormalization', [x, scale, bias, weight(`${key}.running_mean`), weight(`${key}.running_var`)], [float('epsilon', eps)]);
  };

  const shapes = layerShapes(spec);
  let x = 'patches';
  spec.layers.forEach((l, i) => {
    const [cIn, hIn, wIn] = i === 0 ? [1, spec.patchSize, spec.patchSize] : shapes[i - 1]!;
    switch (l.op) {
      case 'instanceNorm':
        x = node('InstanceNormalization', [x, floatInit(fresh('in_scale'), [cIn], new Float32Array(cIn).fill(1)), floatInit(fresh('in_bias'), [cIn], new Float32Array(cIn))], [
          float('epsilon', l.eps),
        ]);
        break;
      case 'patchStandardize': {
        const n = cIn * hIn * wIn;
        const m = node('ReduceMean', [x], [ints('axes', [1, 2, 3]), int('keepdims', 1)]);
        const d = node('Sub', [x, m]);
        const s = node('ReduceSum', [node('Mul', [d, d]), int64Init(fresh('axes'), [1, 2, 3])], [int('keepdims', 1)]);
        const std = node('Sqrt', [node('Div', [s, scalar(n - 1)])]);
        x = node('Div', [d, node('Add', [std, scalar(l.eps)])]);
        break;
      }
      case 'conv':
        x = conv(x, l.key, l.k, l.stride, l.pad, l.bias);
        break;
      case 'batchNorm':
        x = batchNorm(x, l.key, l.c, l.eps, l.affine);
        break;
      case 'frn': {
        const epsT = sd.get(`${l.key}.eps`);
        const eps = Math.abs(epsT?.data[0] ?? l.eps);
        // nu2 = mean_HW(x^2) per (b, c), then one BatchNormalization over the B*C "channels" of x
        // viewed as [1, B*C, H, W] with mean 0, variance nu2 and FRN's weight and bias:
        // x / sqrt(nu2 + |eps|) * weight + bias in one pass (a Mul and an Add took two).
        const nu2 = node('Mul', [node('ReduceSumSquare', [x], [ints('axes', [2, 3]), int('keepdims', 1)]), scalar(1 / (hIn * wIn))]);
        const perSample = node('Shape', [nu2]);
        const flat = (t: string): string => node('Reshape', [node('Expand', [t, perSample]), int64Init(fresh('shape'), [-1])]);
        const x1 = node('Reshape', [x, int64Init(fresh('shape'), [1, -1, hIn, wIn])]);
        const w4 = (key: string): string => {
          const t = sd.get(key);
          if (t === undefined) throw new Error(`state dict lacks ${key}`);
          return floatInit(key, [1, cIn, 1, 1], t.data);
        };
        const zero = floatInit(fresh('zero'), [1, 1, 1, 1], [0]);
        const y1 = node('BatchNormalization', [x1, flat(w4(`${l.key}.weight`)), flat(w4(`${l.key}.bias`)), flat(zero), node('Reshape', [nu2, int64Init(fresh('shape'), [-1])])], [float('epsilon', eps)]);
        x = node('Reshape', [y1, int64Init(fresh('shape'), [-1, cIn, hIn, wIn])]);
        break;
      }
      case 'tlu':
        x = node('Max', [x, weight(`${l.key}.tau`)]);
        break;
      case 'relu':
        x = node('Relu', [x]);
        break;
      case 'tanh':
        x = node('Tanh', [x]);
        break;
      case 'maxPool':
        x = node('MaxPool', [x], [ints('kernel_shape', [l.k, l.k]), ints('strides', [l.stride, l.stride])]);
        break;
      case 'dropout':
        break;
      case 'flatten':
        x = node('Flatten', [x], [int('axis', 1)]);
        break;
      case 'linear':
        x = node('Gemm', l.bias ? [x, weight(`${l.key}.weight`), weight(`${l.key}.bias`)] : [x, weight(`${l.key}.weight`)], [int('transB', 1)]);
        break;
      case 'l2Normalize': {
        const s = l.shift !== 0 ? node('Add', [x, scalar(l.shift)]) : x;
        let n = node('ReduceSum', [node('Mul', [s, s]), int64Init(fresh('axes'), [1])], [int('keepdims', 1)]);
        if (l.eps !== 0) n = node('Add', [n, scalar(l.eps)]);
        x = node('Div', [s, node('Sqrt', [n])]);
        break;
      }
      case 'soa': {
        const n = hIn * wIn;
        const flat = int64Init(fresh('shape'), [0, l.mid, n]);
        const branch = (b: 'f' | 'g'): string =>
          node('Reshape', [node('Relu', [batchNorm(conv(x, `${l.key}.${b}.0`, 1, 1, 0, true), `${l.key}.${b}.1`, l.mid, 1e-5, true)]), flat]);
        const fT = node('Transpose', [branch('f')], [ints('perm', [0, 2, 1])]);
        const g = branch('g');
        const h = node('Reshape', [conv(x, `${l.key}.h`, 1, 1, 0, true), flat]);
        const name = `attention_soa${l.after}`;
        const attn = node('Softmax', [node('Mul', [node('MatMul', [fT, g]), scalar(l.mid ** -0.5)])], [int('axis', -1)], o.attentionOutputs ? name : undefined);
        if (o.attentionOutputs) {
          extraOutputs.push({
            name,
            type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'B' }, { dimValue: n }, { dimValue: n }] } } },
          });
        }
        const z = node('MatMul', [h, node('Transpose', [attn], [ints('perm', [0, 2, 1])])]);
        const z4 = node('Reshape', [z, int64Init(fresh('shape'), [0, l.mid, hIn, wIn])]);
        x = node('Add', [conv(z4, `${l.key}.v`, 1, 1, 0, true), x]);
        break;
      }
    }
  });
  x = node('Identity', [x], [], 'descriptors');

  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'descbench',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: spec.arch,
      node: nodes,
      initializer: inits,
      input: [
        {
          name: 'patches',
          type: {
            tensorType: {
              elemType: onnx.TensorProto.DataType.FLOAT,
              shape: { dim: [{ dimParam: 'B' }, { dimValue: 1 }, { dimValue: spec.patchSize }, { dimValue: spec.patchSize }] },
            },
          },
        },
      ],
      output: [
        { name: 'descriptors', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'B' }, { dimValue: spec.dim }] } } } },
        ...extraOutputs,
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
