export { soaBlockParamCount, soaBlockParams, soaReduction, type SoaParamCount } from './soa-param-count';
