import { isHl7ParseError, parse } from '@hl7gw/hl7-core';
import { isGatewayError } from '@hl7gw/platform';
import { describe, expect, it } from 'vitest';

import { headerOf, readMessage, requireRoutingFields } from './header.js';
import { oruR01 } from './test-support/messages.js';

describe('readMessage', () => {
  it('reads MSH-3, -4, -7, -9, -10, -12 and PID-3 as hl7-core reads them', () => {
    const { text, header } = readMessage(Buffer.from(oruR01({ controlId: 'C-42' })));

    expect(text).toBe(oruR01({ controlId: 'C-42' }));
    expect(header).toMatchObject({
      sendingApplication: 'LABSYS',
      sendingFacility: 'RIVERSIDE',
      messageTime: '20240315101500+0000',
      messageType: 'ORU^R01',
      controlId: 'C-42',
      hl7Version: '2.5.1',
      charset: 'utf-8',
      patientKey: {
        sendingFacility: 'RIVERSIDE',
        patientId: '9990001234',
        assigningAuthority: 'NHS',
      },
    });
    expect(headerOf(parse(text))).toMatchObject({ ...header, ackSource: expect.anything() });
  });

  it('follows the delimiters MSH-1 and MSH-2 declare, and unescapes values', () => {
    const message = 'MSH#*$!@#LAB*X#FAC!F!A#GW#T#2024##ORU*R01#C1#P#2.4\nPID#1##P!S!9*9*9*AUTH';
    const { header } = readMessage(message);

    expect(header.delimiters).toMatchObject({ field: '#', component: '*', repetition: '$' });
    expect(header).toMatchObject({
      sendingApplication: 'LAB',
      sendingFacility: 'FAC#A',
      messageType: 'ORU^R01',
      controlId: 'C1',
      hl7Version: '2.4',
      patientKey: { patientId: 'P*9', assigningAuthority: 'AUTH' },
    });
  });

  it('skips a BOM and blank lines, and finds PID after CRLF endings', () => {
    const message = '\uFEFF\r\n\r\n' + oruR01().replaceAll('\r', '\r\n');
    expect(readMessage(Buffer.from(message)).header.patientKey.patientId).toBe('9990001234');
  });

  it('decodes the body in the charset MSH-18 names', () => {
    const latin1 = Buffer.from(
      'MSH|^~\\&|LAB|FAC|||2024||ORU^R01|C1|P|2.5.1||||||8859/1\rPID|1||M\xfcller',
      'latin1',
    );
    const { text, header } = readMessage(latin1);

    expect(header.charset).toBe('latin1');
    expect(text.endsWith('M\u00fcller')).toBe(true);
  });

  it('leaves the patient id empty when there is no PID', () => {
    const { header } = readMessage('MSH|^~\\&|LAB|FAC|||2024||ORU^R01|C1|P|2.5.1\rOBR|1');
    expect(header.patientKey).toEqual({ sendingFacility: 'FAC', patientId: '' });
  });

  it('does not take a PID-like text inside another segment for the PID', () => {
    const { header } = readMessage('MSH|^~\\&|LAB|FAC|||2024||ORU^R01|C1|P|2.5.1\rNTE|1||PID|||X');
    expect(header.patientKey.patientId).toBe('');
  });

  it.each([
    ['empty input', '', 'EMPTY_INPUT'],
    ['white space', ' \r\n ', 'EMPTY_INPUT'],
    ['text', 'hello, world', 'NOT_HL7'],
    ['a batch', 'BHS|^~\\&|LAB\rMSH|^~\\&|LAB', 'MSH_MISSING'],
    ['a repeated delimiter', 'MSH|^^\\&|LAB', 'BAD_ENCODING_CHARACTERS'],
    [
      'an unknown charset',
      'MSH|^~\\&|LAB|FAC|||2024||ORU^R01|C1|P|2.5.1||||||KLINGON',
      'UNSUPPORTED_CHARSET',
    ],
  ])('refuses %s with an Hl7ParseError', (_name, input, code) => {
    let thrown: unknown;
    try {
      readMessage(Buffer.from(input, 'utf8'));
    } catch (error) {
      thrown = error;
    }
    expect(isHl7ParseError(thrown) && thrown.code).toBe(code);
  });
});

describe('requireRoutingFields', () => {
  it.each([
    ['MSH-9', oruR01().replace('ORU^R01^ORU_R01', '')],
    ['MSH-10', oruR01({ controlId: '' })],
    ['MSH-12', oruR01().replace('|P|2.5.1', '|P|')],
  ])('refuses a header without %s', (location, message) => {
    let thrown: unknown;
    try {
      requireRoutingFields(readMessage(message).header);
    } catch (error) {
      thrown = error;
    }
    expect(isGatewayError(thrown) && [thrown.code, thrown.location]).toEqual([
      'VALIDATION_FAILED',
      location,
    ]);
  });

  it('accepts a complete header', () => {
    expect(() => requireRoutingFields(readMessage(oruR01()).header)).not.toThrow();
  });
});
