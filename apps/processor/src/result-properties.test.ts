import { parse, toResult } from '@hl7gw/hl7-core';
import { describe, expect, it } from 'vitest';

import { filterResultStatus, isAbnormal, resultProperties } from './result-properties.js';
import { oruR01 } from './test-support/messages.js';

describe('filterResultStatus', () => {
  it.each([
    ['F', 'F'],
    ['c', 'C'],
    ['X', 'X'],
    ['Y', 'X'],
    ['Z', 'X'],
    ['P', 'P'],
    ['R', 'P'],
    ['A', 'P'],
    ['', 'P'],
    [undefined, 'P'],
  ])('files OBR-25 %s as %s', (obr25, expected) => {
    expect(filterResultStatus(obr25)).toBe(expected);
  });
});

describe('isAbnormal', () => {
  it.each([
    [['H'], true],
    [['LL'], true],
    [['A'], true],
    [['N'], false],
    [[''], false],
    [[], false],
    [undefined, false],
  ])('reads OBX-8 %j as abnormal: %s', (abnormalFlags, expected) => {
    expect(isAbnormal({ abnormalFlags })).toBe(expected);
  });
});

describe('resultProperties', () => {
  it('reads the filter facts of an ORU^R01', () => {
    const message = parse(
      oruR01({ controlId: 'C1', abnormalFlag: 'H', resultStatus: 'C', priority: 'S' }),
    );

    expect(resultProperties(message, toResult(message), 'CITYLAB')).toEqual({
      messageType: 'ORU^R01',
      sendingFacility: 'CITYLAB',
      receivingFacility: 'GENERAL HOSP',
      resultStatus: 'C',
      abnormal: true,
      priority: 'S',
    });
  });

  it('finds an abnormal flag on an observation under a specimen', () => {
    const raw = `${oruR01({ controlId: 'C2' })}\rSPM|1|SP-1||119297000^Blood specimen^SCT\rOBX|1|NM|2823-3^Potassium^LN||6.9|mmol/L|3.5-5.1|HH|||F`;
    const message = parse(raw);

    expect(resultProperties(message, toResult(message), 'CITYLAB').abnormal).toBe(true);
  });
});
