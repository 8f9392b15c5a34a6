/**
 * Image retrieval: global descriptors in (files or an ONNX backbone with pooling), exact top-k
 * search, re-ranking (alpha-QE, DBA, the CSA transformer), local features (HOW) and ASMK.
 */
export const RETRIEVAL_PACKAGE = '@descbench/retrieval';

export { CSA_PAPER_CONFIG, checkCsaConfig, csaDropPathRates, type CsaConfig } from './csa/config';
export { csaParams, initCsaStateDict, checkCsaStateDict, type CsaParam } from './csa/state-dict';
export { CsaModel, createCsaModel, type CsaForwardOptions, type CsaForwardResult } from './csa/model';
export { featureRows, type FeatureRows } from './csa/features';
export { csaQueryAffinity, csaTrainingAffinity } from './csa/affinity';
