/**
 * The available messages of one queue in the order they go out: a sequence-number heap per
 * session (one heap, keyed by the empty string, on an entity without sessions).
 */
import { SequenceHeap } from './sequence-heap.js';

/** The heaps of one queue. Entries go stale when a message is locked or leaves; `isAvailable` says which. */
export class ReadyIndex {
  private readonly heaps = new Map<string, SequenceHeap>();

  constructor(private readonly isAvailable: (sequenceNumber: number) => boolean) {}

  /** Marks message `sequenceNumber` of `group` available. */
  push(group: string, sequenceNumber: number): void {
    let heap = this.heaps.get(group);
    if (!heap) {
      heap = new SequenceHeap();
      this.heaps.set(group, heap);
    }
    heap.push(sequenceNumber);
  }

  /** Removes and returns the lowest available sequence number of `group`. */
  pop(group: string): number | undefined {
    const heap = this.heaps.get(group);
    while (heap && heap.size > 0) {
      const n = heap.pop()!;
      if (this.isAvailable(n)) return n;
    }
    this.dropIfEmpty(group);
    return undefined;
  }

  /** The lowest available sequence number of `group`, left in place. */
  head(group: string): number | undefined {
    const heap = this.heaps.get(group);
    while (heap && heap.size > 0) {
      const n = heap.peek()!;
      if (this.isAvailable(n)) return n;
      heap.pop();
    }
    this.dropIfEmpty(group);
    return undefined;
  }

  /** How many groups hold a heap, empty or not. */
  get groupCount(): number {
    return this.heaps.size;
  }

  // Sessions come and go (one per patient on hl7-inbound): an empty heap left behind for
  // each would grow the map, and the scan of `oldestGroup`, for the broker's whole life.
  private dropIfEmpty(group: string): void {
    if (this.heaps.get(group)?.size === 0) this.heaps.delete(group);
  }

  /** The group, among those `eligible` allows, whose available head is oldest. */
  oldestGroup(eligible: (group: string) => boolean): string | undefined {
    let best: { group: string; head: number } | undefined;
    for (const group of this.heaps.keys()) {
      if (!eligible(group)) continue;
      const head = this.head(group);
      if (head !== undefined && (!best || head < best.head)) best = { group, head };
    }
    return best?.group;
  }
}
