import { perfectTopK } from './perfect-top-k';

describe('perfectTopK', () => {
  it('moves the top K positives first in their order and leaves the rest', () => {
    expect(perfectTopK([5, 1, 4, 2, 3, 0], new Set([4, 2, 0]), 4)).toEqual([4, 2, 5, 1, 3, 0]);
  });
  it('K beyond the ranking re-orders all of it; K = 0 nothing', () => {
    expect(perfectTopK(Int32Array.from([3, 2, 1]), new Set([1]), 10)).toEqual([1, 3, 2]);
    expect(perfectTopK([3, 2, 1], new Set([1]), 0)).toEqual([3, 2, 1]);
  });
});
