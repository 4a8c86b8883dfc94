import { describe, expect, it } from 'vitest';

import { compileCorrelationFilter, type CorrelationFilterConfig } from './correlation.js';
import type { FilterableMessage } from './filterable-message.js';

const MESSAGE: FilterableMessage = {
  applicationProperties: {
    messageType: 'ORU^R01',
    sendingFacility: 'LAB1',
    abnormal: true,
    replayCount: 0,
    sequence: 42n,
    empty: null,
  },
  system: {
    messageId: 'a3f1c2',
    correlationId: 'corr-1',
    sessionId: 'LAB1|MRN123',
    subject: 'result',
    to: 'ehr',
    replyTo: 'acks',
    replyToSessionId: 'acks-1',
    contentType: 'application/json',
  },
};

describe('compileCorrelationFilter', () => {
  it.each<[CorrelationFilterConfig, boolean]>([
    [{ correlationId: 'corr-1' }, true],
    [{ correlationId: 'corr-2' }, false],
    [{ correlationId: 'CORR-1' }, false],
    [{ messageId: 'a3f1c2', sessionId: 'LAB1|MRN123' }, true],
    [{ subject: 'result', to: 'ehr', replyTo: 'acks', replyToSessionId: 'acks-1' }, true],
    [{ contentType: 'application/json' }, true],
    [{ contentType: 'application/json', subject: 'other' }, false],
    [{ applicationProperties: { sendingFacility: 'LAB1' } }, true],
    [{ applicationProperties: { sendingFacility: 'LAB1', messageType: 'ORU^R01' } }, true],
    [{ applicationProperties: { sendingFacility: 'LAB1', messageType: 'ADT^A01' } }, false],
    [{ applicationProperties: { abnormal: true } }, true],
    [{ applicationProperties: { abnormal: 'true' } }, false],
    [{ applicationProperties: { replayCount: 0 } }, true],
    [{ applicationProperties: { replayCount: '0' } }, false],
    [{ applicationProperties: { sequence: 42 } }, true],
    [{ applicationProperties: { missing: 'x' } }, false],
    [{ applicationProperties: { empty: 'x' } }, false],
    [{ correlationId: 'corr-1', applicationProperties: { sendingFacility: 'LAB2' } }, false],
  ])('%j → %s', (filter, expected) => {
    expect(compileCorrelationFilter(filter)(MESSAGE)).toBe(expected);
  });

  it('does not match a message that lacks a stated system property', () => {
    const bare: FilterableMessage = { applicationProperties: {}, system: {} };
    expect(compileCorrelationFilter({ to: 'ehr' })(bare)).toBe(false);
  });

  it.each<[CorrelationFilterConfig, string]>([
    [{}, 'a correlation filter must state at least one property to match'],
    [{ applicationProperties: {} }, 'a correlation filter must state at least one property'],
    [
      { applicationProperties: { when: new Date() as unknown as string } },
      "correlation filter property 'when' must be a string, a finite number or a boolean",
    ],
    [{ applicationProperties: { n: Number.NaN } }, "correlation filter property 'n' must be"],
  ])('refuses %j', (filter, message) => {
    expect(() => compileCorrelationFilter(filter)).toThrow(message);
    expect(() => compileCorrelationFilter(filter)).toThrow(
      expect.objectContaining({ code: 'INVALID_CORRELATION_FILTER' }),
    );
  });
});
