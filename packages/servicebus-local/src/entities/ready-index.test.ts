import { describe, expect, it } from 'vitest';

import { ReadyIndex } from './ready-index.js';

describe('ReadyIndex', () => {
  it('drops the heap of a session once its messages are gone, so sessions do not pile up', () => {
    const available = new Set<number>();
    const index = new ReadyIndex((n) => available.has(n));
    for (let n = 1; n <= 1_000; n++) {
      available.add(n);
      index.push(`patient-${n}`, n);
      expect(index.pop(`patient-${n}`)).toBe(n);
      available.delete(n);
      // Nothing left: the next look finds the group empty and forgets it.
      expect(index.pop(`patient-${n}`)).toBeUndefined();
    }
    expect(index.groupCount).toBe(0);
  });

  it('keeps a group with available messages and finds the oldest head across groups', () => {
    const available = new Set([1, 2, 3]);
    const index = new ReadyIndex((n) => available.has(n));
    index.push('a', 2);
    index.push('b', 1);
    index.push('c', 3);
    available.delete(1);

    // `b` holds only a stale entry: it is skipped and dropped while `a` and `c` stay.
    expect(index.oldestGroup(() => true)).toBe('a');
    expect(index.groupCount).toBe(2);
    expect(index.head('a')).toBe(2);
  });
});
