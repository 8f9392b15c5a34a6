import { InputError, Registry } from '@descbench/core';
import type { OnnxProvider } from './backends/onnx';
import { OnnxDescriptor, TfjsDescriptor } from './descriptor';
import { HYNET_WEIGHTS, hynetNormVariantSpec, hynetSpec } from './hynet';
import { HARDNET_WEIGHTS, SOLAR_LOCAL_WEIGHTS, SOSNET_WEIGHTS, hardnetSpec, l2netSpec, sosnetPlusSpec, sosnetSpec } from './l2net';
import { createSiftDescriptor } from './sift';
import type { NetSpec } from './spec';
import { checkStateDict, randomStateDict, type StateDict } from './state-dict';
import { TFEAT_WEIGHTS, tfeatSpec } from './tfeat';
import { TfjsNet } from './tfjs-net';
import { loadTorchStateDict } from './torch-checkpoint';
import type { ModelOptions, PatchDescriptor, WeightsTable } from './types';

/**
 * The descriptor zoo. Registrations are explicit here (no import side effects). A learned model
 * has a `spec` (its network as data); a hand-crafted one (SIFT) has only `create`.
 * Names may carry a weights tag: `hardnet.liberty`, `sosnet.hp_a`.
 */
export interface ModelEntry {
  description: string;
  paper?: string;
  spec?: () => NetSpec;
  weights: WeightsTable;
  /** For hand-crafted descriptors. */
  create?: () => PatchDescriptor;
}

export const SOA_VARIANTS: number[][] = subsets([3, 4, 5, 6]);

function subsets(xs: number[]): number[][] {
  const out: number[][] = [];
  for (let m = 1; m < 1 << xs.length; m++) out.push(xs.filter((_, i) => m & (1 << i)));
  return out.sort((a, b) => a.length - b.length || a.join('').localeCompare(b.join('')));
}

function buildRegistry(): Registry<ModelEntry> {
  const r = new Registry<ModelEntry>('model');
  r.register('tfeat', { description: 'TFeat (shallow triplet CNN)', paper: 'Balntas et al., BMVC 2016', spec: tfeatSpec, weights: TFEAT_WEIGHTS });
  r.register('l2net', { description: 'L2-Net body (InstanceNorm input, no dropout)', paper: 'Tian et al., CVPR 2017', spec: l2netSpec, weights: {} });
  r.register('hardnet', { description: 'HardNet (L2-Net body, dropout 0.3)', paper: 'Mishchuk et al., NeurIPS 2017', spec: hardnetSpec, weights: HARDNET_WEIGHTS });
  r.register('sosnet', { description: 'SOSNet (L2-Net body, dropout 0.1)', paper: 'Tian et al., CVPR 2019', spec: sosnetSpec, weights: SOSNET_WEIGHTS });
  r.register('sosnet+', { description: "SOLAR's SOSNet+ (L2-Net body, dropout 0.1 after the last BN)", paper: 'Ng et al., ECCV 2020', spec: () => sosnetPlusSpec([]), weights: {} });
  for (const v of SOA_VARIANTS) {
    const name = `sosnet+soa${v.join('')}`;
    r.register(name, {
      description: `SOSNet+ with SOA blocks after L2-Net layer(s) ${v.join(', ')}`,
      paper: 'Ng et al., ECCV 2020',
      spec: () => sosnetPlusSpec(v),
      weights: v.join('') === '345' ? SOLAR_LOCAL_WEIGHTS : {},
    });
  }
  r.register('hynet', { description: 'HyNet (FRN + TLU)', paper: 'Tian et al., NeurIPS 2020', spec: hynetSpec, weights: HYNET_WEIGHTS });
  r.register('hynet-bn', { description: 'HyNet with BatchNorm + ReLU instead of FRN + TLU (Table 3 ablation)', paper: 'Tian et al., NeurIPS 2020', spec: () => hynetNormVariantSpec('bn'), weights: {} });
  r.register('hynet-in', { description: 'HyNet with InstanceNorm + ReLU instead of FRN + TLU (Table 3 ablation)', paper: 'Tian et al., NeurIPS 2020', spec: () => hynetNormVariantSpec('in'), weights: {} });
  r.register('sift', { description: 'SIFT descriptor of the whole patch (hand-crafted, OpenCV conventions)', paper: 'Lowe, IJCV 2004', weights: {}, create: createSiftDescriptor });
  return r;
}

export const MODELS = buildRegistry();

/** Registered architecture names, optionally filtered by a `*` glob. */
export function listModels(glob?: string): string[] {
  return MODELS.names(glob);
}

/** Split `arch.tag` (the tag is what follows the last dot, if the whole name is not registered). */
export function parseModelName(name: string): { arch: string; tag?: string; entry: ModelEntry } {
  if (MODELS.has(name)) return { arch: name, entry: MODELS.get(name) };
  const dot = name.lastIndexOf('.');
  if (dot > 0 && MODELS.has(name.slice(0, dot))) {
    const arch = name.slice(0, dot);
    const tag = name.slice(dot + 1);
    const entry = MODELS.get(arch);
    if (!(tag in entry.weights)) {
      const known = Object.keys(entry.weights);
      throw new InputError(`model "${arch}" has no weights tag "${tag}"${known.length > 0 ? `; known tags: ${known.join(', ')}` : '; it has no official weights'}`);
    }
    return { arch, tag, entry };
  }
  const tagged = [...MODELS.names()].flatMap((n) => [n, ...Object.keys(MODELS.get(n).weights).map((t) => `${n}.${t}`)]);
  const reg = new Registry<true>('model');
  for (const n of tagged) reg.register(n, true);
  reg.get(name); // throws UnknownNameError with near-miss suggestions over plain and tagged names
  throw new InputError(`unknown model "${name}"`);
}

/** The network spec of a learned model (throws `InputError` for hand-crafted ones). */
export function modelSpec(name: string): NetSpec {
  const { arch, entry } = parseModelName(name);
  if (entry.spec === undefined) throw new InputError(`model "${arch}" is hand-crafted and has no network`);
  return entry.spec();
}

/**
 * Weights for a learned model: a checkpoint path (parsed, checked against the architecture), a
 * state dict (checked), or, when absent, a seeded initialisation. A tagged name without a local
 * checkpoint is refused (no downloads here): the message lists the official URLs.
 */
export async function resolveWeights(name: string, o: ModelOptions = {}): Promise<{ spec: NetSpec; stateDict: StateDict }> {
  const { arch, tag, entry } = parseModelName(name);
  const spec = modelSpec(arch);
  if (o.weights === undefined) {
    if (tag !== undefined) {
      const w = entry.weights[tag]!;
      throw new InputError(`weights "${arch}.${tag}" are not available offline; download one of ${w.urls.join(', ')} and pass it with --weights`);
    }
    return { spec, stateDict: randomStateDict(spec, o.seed ?? 0) };
  }
  if (typeof o.weights === 'string') {
    const key = tag !== undefined ? entry.weights[tag]?.stateDictKey : undefined;
    const sd = await loadTorchStateDict(o.weights, key);
    return { spec, stateDict: checkStateDict(spec, sd, o.weights) };
  }
  return { spec, stateDict: checkStateDict(spec, o.weights) };
}

export interface CreateModelOptions extends ModelOptions {
  /** onnxruntime execution providers (default `['cpu']`). */
  providers?: OnnxProvider[];
  threads?: number;
}

/**
 * Build a descriptor by (optionally tagged) name. Default runtime: ONNX (onnxruntime-node);
 * `runtime: 'tfjs'` runs on the active tfjs backend (see `useTfjsBackend`).
 */
export async function createModel(name: string, o: CreateModelOptions = {}): Promise<PatchDescriptor> {
  const { entry } = parseModelName(name);
  if (entry.create !== undefined) {
    if (o.weights !== undefined) throw new InputError(`model "${name}" is hand-crafted and takes no weights`);
    return entry.create();
  }
  const { spec, stateDict } = await resolveWeights(name, o);
  if ((o.runtime ?? 'onnx') === 'tfjs') return new TfjsDescriptor(name, new TfjsNet(spec, stateDict));
  return OnnxDescriptor.create(name, spec, stateDict, { ...(o.providers ? { providers: o.providers } : {}), ...(o.threads ? { threads: o.threads } : {}) });
}

/** A trainable tfjs network for a learned model (the losses/training code drives it). */
export async function createTfjsNet(name: string, o: ModelOptions = {}): Promise<TfjsNet> {
  const { spec, stateDict } = await resolveWeights(name, o);
  return new TfjsNet(spec, stateDict);
}
