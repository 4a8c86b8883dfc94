import { describe, expect, it } from 'vitest';

import { SequenceHeap } from './sequence-heap.js';

describe('SequenceHeap', () => {
  it('pops sequence numbers smallest first, whatever the push order', () => {
    const heap = new SequenceHeap();
    for (const n of [5, 3, 9, 1, 7, 3]) heap.push(n);
    const popped: number[] = [];
    for (let n = heap.pop(); n !== undefined; n = heap.pop()) popped.push(n);
    expect(popped).toEqual([1, 3, 3, 5, 7, 9]);
    expect(heap.peek()).toBeUndefined();
  });
});
