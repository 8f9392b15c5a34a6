/** One jest run over every package; tests import sibling packages from source. */
/**
 * ESM-only packages a test reaches (vega and vega-lite for the reports, with their d3 helpers):
 * the built CLI loads them with a real dynamic import(); jest transforms them instead.
 */
const ESM_ONLY = ['vega', 'd3-', 'internmap', 'delaunator', 'robust-predicates', 'json-stringify-pretty-compact', 'topojson-client'];

/**
 * vega-canvas's node build awaits import('canvas') at its top level, which no CommonJS transform
 * can express; without the optional `canvas` package it equals the browser build, so tests use that.
 */
const { createRequire } = require('node:module');
const vegaScenegraph = createRequire(require.resolve('vega', { paths: [`${__dirname}/packages/runner`] })).resolve('vega-scenegraph');
const vegaCanvasBrowser = createRequire(vegaScenegraph).resolve('vega-canvas').replace(/vega-canvas\.node\.js$/, 'vega-canvas.browser.js');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/benchmarks'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // ESM-only dependencies (see ESM_ONLY below) to CommonJS, so that jest's require can load them
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/\\.pnpm/(?!(${ESM_ONLY.join('|')})[^/]*/)`],
  moduleNameMapper: { '^@descbench/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts', '^vega-canvas$': vegaCanvasBrowser },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
