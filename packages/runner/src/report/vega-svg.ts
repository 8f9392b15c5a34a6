/**
 * Vega-Lite -> SVG on the server (no browser, no canvas). vega and vega-lite are ESM-only, so
 * they are loaded with a dynamic import: compiled by tsc (module Node16) it stays a real
 * `import()` in the CommonJS build; under jest, @swc/jest turns it into `require`, and
 * jest.config.js transforms the vega / d3 ESM packages to CommonJS for that.
 */

const importVega = () => Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
type VegaModules = Awaited<ReturnType<typeof importVega>>;

let loaded: Promise<VegaModules> | undefined;

function load(): Promise<VegaModules> {
  loaded ??= importVega();
  return loaded;
}

/** Render a Vega-Lite (v5/v6) top-level spec with inline data to a standalone SVG string. */
export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vl } = await load();
  // The spec comes from our own plot builders; vega-lite validates its shape as it compiles.
  const compiled = vl.compile(spec as unknown as Parameters<VegaModules['vl']['compile']>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
