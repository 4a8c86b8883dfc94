/**
 * A min-heap of sequence numbers: the order in which an entity's available messages go out.
 * Entries are removed lazily; the caller checks each popped number is still available.
 */
export class SequenceHeap {
  private readonly items: number[] = [];

  /** How many entries the heap holds, stale ones included. */
  get size(): number {
    return this.items.length;
  }

  /** Adds a sequence number. */
  push(sequenceNumber: number): void {
    const items = this.items;
    items.push(sequenceNumber);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (items[parent]! <= items[child]!) break;
      [items[parent], items[child]] = [items[child]!, items[parent]!];
      child = parent;
    }
  }

  /** The smallest sequence number, without removing it. */
  peek(): number | undefined {
    return this.items[0];
  }

  /** Removes and returns the smallest sequence number. */
  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;

    items[0] = last;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < items.length && items[left]! < items[smallest]!) smallest = left;
      if (right < items.length && items[right]! < items[smallest]!) smallest = right;
      if (smallest === parent) break;
      [items[parent], items[smallest]] = [items[smallest]!, items[parent]!];
      parent = smallest;
    }
    return top;
  }
}
