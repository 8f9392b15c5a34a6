import { onnx } from 'onnx-proto';
import type { StateDict } from '@descbench/models';
import { CSA_LAYER_NORM_EPS, CSA_NORMALIZE_EPS, type CsaConfig } from './config';
import { checkCsaStateDict } from './state-dict';

/**
 * ONNX (opset 13) graph of `RerankTransformer.forward_feature`, the inference path: input
 * `affinity` `[B, T, L]` (row 0 the query) -> output `scores` `[B, T - 1]`, the cosine of token 0
 * with each candidate token. Dropout is left out; LayerNorm and exact GELU (Erf) are spelt out
 * in opset-13 operators. Weights come from a PyTorch-layout state dict (authors' keys).
 */
export function buildCsaOnnx(c: CsaConfig, state: StateDict): Uint8Array {
  const sd = checkCsaStateDict(c, state);
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  let counter = 0;
  const fresh = (base: string): string => `${base}_${counter++}`;
  const floatInit = (dims: number[], data: Float32Array | number[], name = fresh('const')): string => {
    const f = data instanceof Float32Array ? data : Float32Array.from(data);
    inits.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength)) });
    return name;
  };
  const int64Init = (values: number[]): string => {
    const name = fresh('i64');
    const b = new BigInt64Array(values.map((v) => BigInt(v)));
    inits.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(b.buffer) });
    return name;
  };
  const scalar = (v: number): string => floatInit([], [v]);
  const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  const int = (name: string, v: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
  const node = (opType: string, inputs: string[], attribute: onnx.IAttributeProto[] = [], output?: string): string => {
    const out = output ?? fresh(opType.toLowerCase());
    nodes.push({ opType, input: inputs, output: [out], name: fresh(`n_${opType}`), attribute });
    return out;
  };
  const get = (key: string) => sd.get(key)!;
  /** PyTorch `[out, in]` rows [from, to) transposed to `[in, to - from]` for MatMul. */
  const weightT = (key: string, from?: number, to?: number): string => {
    const w = get(key);
    const [out, inn] = w.shape as [number, number];
    const a = from ?? 0;
    const b = to ?? out;
    const t = new Float32Array(inn * (b - a));
    for (let o = a; o < b; o++) for (let i = 0; i < inn; i++) t[i * (b - a) + (o - a)] = w.data[o * inn + i] as number;
    return floatInit([inn, b - a], t, fresh(key));
  };
  const vector = (key: string, from?: number, to?: number): string => {
    const d = get(key).data;
    return floatInit([(to ?? d.length) - (from ?? 0)], d.subarray(from ?? 0, to ?? d.length), fresh(key));
  };
  const linear = (x: string, key: string, o: { bias?: boolean; rows?: [number, number] } = {}): string => {
    const [a, b] = o.rows ?? [undefined, undefined];
    const y = node('MatMul', [x, weightT(`${key}.weight`, a, b)]);
    return o.bias === false ? y : node('Add', [y, vector(`${key}.bias`, a, b)]);
  };
  const layerNorm = (x: string, key: string): string => {
    const d = node('Sub', [x, node('ReduceMean', [x], [ints('axes', [-1]), int('keepdims', 1)])]);
    const v = node('ReduceMean', [node('Mul', [d, d])], [ints('axes', [-1]), int('keepdims', 1)]);
    const n = node('Div', [d, node('Sqrt', [node('Add', [v, scalar(CSA_LAYER_NORM_EPS)])])]);
    return node('Add', [node('Mul', [n, vector(`${key}.weight`)]), vector(`${key}.bias`)]);
  };

  const e = c.embedDim;
  const h = c.heads;
  const dh = e / h;
  const headShape = int64Init([0, 0, h, dh]);
  const tokenShape = int64Init([0, 0, e]);
  let x = linear('affinity', 'topk_proj');
  for (let b = 0; b < c.depth; b++) {
    const p = `blocks.${b}`;
    const y = layerNorm(x, `${p}.norm1`);
    const part = (i: number): string => node('Reshape', [linear(y, `${p}.attn.qkv`, { bias: c.qkvBias, rows: [i * e, (i + 1) * e] }), headShape]);
    const q = node('Transpose', [part(0)], [ints('perm', [0, 2, 1, 3])]);
    const kT = node('Transpose', [part(1)], [ints('perm', [0, 2, 3, 1])]);
    const v = node('Transpose', [part(2)], [ints('perm', [0, 2, 1, 3])]);
    const attn = node('Softmax', [node('Mul', [node('MatMul', [q, kT]), scalar(dh ** -0.5)])], [int('axis', -1)]);
    const o = node('Reshape', [node('Transpose', [node('MatMul', [attn, v])], [ints('perm', [0, 2, 1, 3])]), tokenShape]);
    x = node('Add', [x, linear(o, `${p}.attn.proj`)]);
    const hid = linear(layerNorm(x, `${p}.norm2`), `${p}.mlp.fc1`);
    const gelu = node('Mul', [node('Mul', [hid, scalar(0.5)]), node('Add', [node('Erf', [node('Mul', [hid, scalar(Math.SQRT1_2)])]), scalar(1)])]);
    x = node('Add', [x, linear(gelu, `${p}.mlp.fc2`)]);
  }
  const norm = node('Max', [node('Sqrt', [node('ReduceSumSquare', [x], [ints('axes', [-1]), int('keepdims', 1)])]), scalar(CSA_NORMALIZE_EPS)]);
  const n = node('Div', [x, norm]);
  const axis1 = int64Init([1]);
  const q0 = node('Slice', [n, int64Init([0]), int64Init([1]), axis1]);
  const cand = node('Slice', [n, int64Init([1]), int64Init([2 ** 62]), axis1]);
  node('ReduceSum', [node('Mul', [q0, cand]), int64Init([-1])], [int('keepdims', 0)], 'scores');

  const dim = (v: number | string): onnx.TensorShapeProto.IDimension => (typeof v === 'number' ? { dimValue: v } : { dimParam: v });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'descbench',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'csa-rerank-transformer',
      node: nodes,
      initializer: inits,
      input: [{ name: 'affinity', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [dim('B'), dim('T'), dim(c.anchors)] } } } }],
      output: [{ name: 'scores', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [dim('B'), dim('K')] } } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
