import { GATEWAY_ERRORS, type GatewayErrorCode } from '@hl7gw/platform';
import { describe, expect, it } from 'vitest';

import {
  classify,
  MAX_DELIVERY_REASON,
  TTL_EXPIRED_REASON,
  UNRECOGNISED_REASON,
} from './classify.js';

describe('classify', () => {
  it.each(Object.keys(GATEWAY_ERRORS) as GatewayErrorCode[])(
    'files the gateway code %s under its category',
    (code) => {
      expect(classify(code, 'PID-3 is required')).toEqual({
        category: GATEWAY_ERRORS[code].category,
        code,
        description: 'PID-3 is required',
      });
    },
  );

  it.each([
    [MAX_DELIVERY_REASON, 'max-delivery'],
    [TTL_EXPIRED_REASON, 'expired'],
    ['SomethingElse', 'unknown'],
  ])('files the broker reason %s under %s', (reason, category) => {
    expect(classify(reason).category).toBe(category);
  });

  it('keeps a code-shaped unknown reason but drops its description, which may be free text', () => {
    expect(classify('SubscriberGaveUp', 'patient Prawf was not found')).toEqual({
      category: 'unknown',
      code: 'SubscriberGaveUp',
    });
  });

  it('stores a free-text or absent reason as UNRECOGNISED', () => {
    expect(classify('Rejected: NHS 999 000 0018 unknown')).toEqual({
      category: 'unknown',
      code: UNRECOGNISED_REASON,
    });
    expect(classify(undefined)).toEqual({ category: 'unknown', code: UNRECOGNISED_REASON });
    expect(classify(42)).toEqual({ category: 'unknown', code: UNRECOGNISED_REASON });
  });

  it('drops a description that carries HL7 and cuts a long one', () => {
    expect(classify('PARSE_ERROR', 'bad input: MSH|^~\\&|LAB').description).toBeUndefined();
    expect(classify('PARSE_ERROR', 'x'.repeat(900)).description).toHaveLength(500);
    expect(classify('PARSE_ERROR', '   ').description).toBeUndefined();
  });
});
