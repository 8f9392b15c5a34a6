export type { ModelOptions, PatchDescriptor, Runtime, WeightsEntry, WeightsTable } from './types';
export type { Layer, NetSpec, ParamSpec } from './spec';
export { paramSpecs, layerShapes } from './spec';
export { checkStateDict, randomStateDict, type HostTensor, type StateDict } from './state-dict';
export { TfjsNet, patchesToTensor, type BatchStats, type ForwardOptions } from './tfjs-net';
export { buildOnnxModel } from './onnx-graph';
export { OnnxDescriptor, TfjsDescriptor, checkPatchInput } from './descriptor';
export { TFEAT_WEIGHTS, tfeatSpec } from './tfeat';
export { HARDNET_WEIGHTS, SOSNET_WEIGHTS, SOLAR_LOCAL_WEIGHTS, hardnetSpec, l2netSpec, sosnetSpec, sosnetPlusSpec } from './l2net';
export { HYNET_WEIGHTS, hynetNormVariantSpec, hynetSpec } from './hynet';
export {
  MODELS,
  SOA_VARIANTS,
  createModel,
  createTfjsNet,
  listModels,
  modelSpec,
  parseModelName,
  resolveWeights,
  type CreateModelOptions,
  type ModelEntry,
} from './registry';
export { loadTorchStateDict, readTorchCheckpoint, type Checkpoint, type CheckpointFormat } from './torch-checkpoint';
export { unpickleTorch, TORCH_PICKLE_GLOBALS, type StorageRef, type TensorRef } from './torch-pickle';
export { useTfjsBackend, activeTfjsBackend, tfjsProbe } from './backends/tfjs';
export { registerWasmConvFilterGradient } from './backends/wasm-conv-filter-grad';
export { trainKernelsBuild, type TrainKernelsBuild } from './backends/wasm-train-module';
export { createOnnxSession, onnxProviders, type OnnxProvider, type OnnxSession } from './backends/onnx';
export { soaBlockParamCount, soaBlockParams, type SoaParamCount } from './soa-param-count';
export { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors, type SafetensorsFile } from './safetensors';
export { backendReport, type BackendReport } from './backends/report';
export { paramTable, type ParamRow } from './params';
export { forwardCost, forwardMacs } from './forward-macs';
export { soaAttention, type AttentionMap } from './attention';
export { createSiftDescriptor, siftDescribe, SIFT_KEYPOINT } from './sift';
