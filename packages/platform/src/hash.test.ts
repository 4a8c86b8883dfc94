import { describe, expect, it } from 'vitest';

import { inboundMessageId, patientSessionId } from './hash.js';

const IDENTITY = { sendingApplication: 'LAB', sendingFacility: 'RIVERSIDE', controlId: 'C0001' };
const PATIENT = {
  sendingFacility: 'RIVERSIDE',
  patientId: '9434765919',
  assigningAuthority: 'NHS',
};

describe('inboundMessageId', () => {
  it('is a stable 64-character hex hash of application, facility and MSH-10', () => {
    const id = inboundMessageId(IDENTITY);

    expect(id).toMatch(/^[\da-f]{64}$/);
    expect(inboundMessageId({ ...IDENTITY })).toBe(id);
    expect(inboundMessageId({ ...IDENTITY, replayCount: 0 })).toBe(id);
  });

  it.each([
    { ...IDENTITY, sendingApplication: 'LAB2' },
    { ...IDENTITY, sendingFacility: 'HILLTOP' },
    { ...IDENTITY, controlId: 'C0002' },
    { ...IDENTITY, replayCount: 1 },
  ])('changes when any part changes: %o', (other) => {
    expect(inboundMessageId(other)).not.toBe(inboundMessageId(IDENTITY));
  });

  it('cannot be fooled by moving text between fields', () => {
    const a = inboundMessageId({ sendingApplication: 'AB', sendingFacility: 'C', controlId: 'D' });
    const b = inboundMessageId({ sendingApplication: 'A', sendingFacility: 'BC', controlId: 'D' });

    expect(a).not.toBe(b);
  });
});

describe('patientSessionId', () => {
  it('is the same for one patient at one facility and keeps the identifier out', () => {
    const id = patientSessionId(PATIENT, { fallback: '01HRZ8J3K5W6X7Y8Z9A0B1C2D3' });

    expect(id).toMatch(/^[\da-f]{64}$/);
    expect(id).not.toContain('9434765919');
    expect(patientSessionId({ ...PATIENT }, { fallback: 'other' })).toBe(id);
  });

  it.each([
    { ...PATIENT, sendingFacility: 'HILLTOP' },
    { ...PATIENT, patientId: '9434765870' },
    { ...PATIENT, assigningAuthority: 'MRN' },
  ])('differs for another patient or facility: %o', (other) => {
    expect(patientSessionId(other, { fallback: 'x' })).not.toBe(
      patientSessionId(PATIENT, { fallback: 'x' }),
    );
  });

  it('gives an unidentified patient a session of its own', () => {
    const first = patientSessionId({ sendingFacility: 'RIVERSIDE' }, { fallback: 'A' });
    const second = patientSessionId(
      { sendingFacility: 'RIVERSIDE', patientId: ' ' },
      {
        fallback: 'B',
      },
    );

    expect(first).not.toBe(second);
  });

  it('depends on the hash key when one is given', () => {
    const keyA = patientSessionId(PATIENT, { fallback: 'x', hashKey: 'a'.repeat(32) });
    const keyB = patientSessionId(PATIENT, { fallback: 'x', hashKey: 'b'.repeat(32) });

    expect(keyA).toMatch(/^[\da-f]{64}$/);
    expect(keyA).not.toBe(keyB);
    expect(keyA).not.toBe(patientSessionId(PATIENT, { fallback: 'x' }));
  });
});
