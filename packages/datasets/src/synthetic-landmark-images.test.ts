import { generateRevisitopGnd } from './synthetic-retrieval-features';
import { makeLandmarkScene } from './synthetic-landmark-scene';
import { makeSceneTexture } from './synthetic-texture';
import { renderDistractorImages, renderLandmarkClusters, renderRevisitopImages, subsetRevisitopGnd } from './synthetic-landmark-images';

describe('generated landmark images', () => {
  const gnd = subsetRevisitopGnd(generateRevisitopGnd('roxford5k', { images: 300, queries: 12 }), { queries: 4, perList: 5, others: 10 });

  test('a subset keeps the lists consistent with the re-indexed image list', () => {
    expect(gnd.qimlist).toHaveLength(4);
    for (const q of gnd.gnd) for (const i of [...q.easy, ...q.hard, ...q.junk]) expect(i).toBeLessThan(gnd.imlist.length);
    expect(gnd.gnd.some((q) => q.easy.length + q.hard.length > 0)).toBe(true);
  });

  test('deterministic per seed; every image has the asked size; clusters differ', () => {
    const a = renderRevisitopImages(gnd, { dataset: 'roxford5k', size: 48 });
    const b = renderRevisitopImages(gnd, { dataset: 'roxford5k', size: 48 });
    expect(a.db[3]).toEqual(b.db[3]);
    expect(a.db).toHaveLength(gnd.imlist.length);
    expect(a.queries[0]!.length).toBe(48 * 48);
    const c = renderLandmarkClusters({ split: 'train', clusters: 3, views: 4, size: 32 });
    expect(c.clusters).toHaveLength(3);
    expect(c.clusters[1]![2]).toEqual(renderLandmarkClusters({ split: 'train', clusters: 3, views: 4, size: 32 }).clusters[1]![2]);
    expect(c.clusters[1]![2]).not.toEqual(c.clusters[2]![2]);
  });

  test('distractors: deterministic, the asked count and size, each a different scene', () => {
    const d = renderDistractorImages({ count: 5, size: 32 });
    expect(d).toHaveLength(5);
    expect(d[4]!.length).toBe(32 * 32);
    expect(renderDistractorImages({ count: 5, size: 32 })[3]).toEqual(d[3]);
    expect(d[1]).not.toEqual(d[2]);
  });

  test('a landmark scene: deterministic, 0..255, and far more sharp local structure than the clutter it is occluded by', () => {
    const a = makeLandmarkScene(7, 384);
    expect(a.data).toEqual(makeLandmarkScene(7, 384).data);
    expect(a.data).not.toEqual(makeLandmarkScene(8, 384).data);
    expect(a.data.every((v) => v >= 0 && v <= 255)).toBe(true);
    // fraction of neighbouring pixels that step by more than 30 gray levels (window and bar edges)
    const sharp = (d: Float32Array, n: number): number => {
      let c = 0;
      for (let y = 0; y < n; y++) for (let x = 1; x < n; x++) if (Math.abs(d[y * n + x]! - d[y * n + x - 1]!) > 30) c++;
      return c / (n * (n - 1));
    };
    // at the sizes the images use: landmark scenes 384, clutter 192
    expect(sharp(a.data, 384)).toBeGreaterThan(5 * sharp(makeSceneTexture(7, 192).data, 192));
  });
});
