import { describe, expect, it } from 'vitest';

import { readContinuationToken } from './dead-letter-filter.js';

describe('readContinuationToken', () => {
  it('passes a storage continuation token through, and nothing as undefined', () => {
    const token = Buffer.from(JSON.stringify({ nextPartitionKey: 'p', nextRowKey: 'r' })).toString(
      'base64',
    );
    expect(readContinuationToken(token)).toBe(token);
    expect(readContinuationToken(null)).toBeUndefined();
    expect(readContinuationToken('')).toBeUndefined();
  });

  // Found by the HTTP fuzzer: the SDK failed on these as if storage were down (a 500).
  it.each(['not-a-token', '%%%', Buffer.from('[1,2]').toString('base64'), 'e30=x'])(
    'refuses %j as BAD_REQUEST',
    (value) => {
      expect(() => readContinuationToken(value)).toThrow(
        expect.objectContaining({ code: 'BAD_REQUEST' }),
      );
    },
  );
});
