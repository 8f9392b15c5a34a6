/**
 * Image retrieval: global descriptors in (files or an ONNX backbone with pooling), exact top-k
 * search, re-ranking (alpha-QE, DBA, the CSA transformer), local features (HOW) and ASMK.
 */
export const RETRIEVAL_PACKAGE = '@descbench/retrieval';
