import { onnx } from 'onnx-proto';

/**
 * A tiny ONNX backbone for tests: Conv(3 -> C, k x k, stride) + ReLU, input `image` [1, 3, H, W]
 * with free H and W, output `features` [1, C, h, w]. Weights in PyTorch layout [C, 3, k, k].
 */
export function tinyBackboneOnnx(weight: Float32Array, bias: Float32Array, o: { channels: number; kernel: number; stride: number }): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const raw = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  const vi = (name: string, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny_backbone',
      node: [
        { opType: 'Conv', input: ['image', 'w', 'b'], output: ['c'], attribute: [ints('kernel_shape', [o.kernel, o.kernel]), ints('strides', [o.stride, o.stride])] },
        { opType: 'Relu', input: ['c'], output: ['features'] },
      ],
      initializer: [
        { name: 'w', dims: [o.channels, 3, o.kernel, o.kernel], dataType: F, rawData: raw(weight) },
        { name: 'b', dims: [o.channels], dataType: F, rawData: raw(bias) },
      ],
      input: [vi('image', [1, 3, 'h', 'w'])],
      output: [vi('features', [1, o.channels, 'fh', 'fw'])],
    },
  }).finish();
}
