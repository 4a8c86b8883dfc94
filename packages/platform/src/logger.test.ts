import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import { PlatformError } from './errors.js';
import { captureLogs } from './log-capture.js';
import { childFor, REDACTED, redactPhi } from './logger.js';

// Planted PHI: every one of these must be absent from every log line.
const NAME_FAMILY = 'Featherstonehaugh';
const NAME_GIVEN = 'Philippa';
const NHS_NUMBER = '9434765919';
const NHS_NUMBER_SPACED = '943 476 5919';
const BIRTH_DATE = '1961-07-23';
const BIRTH_DATE_HL7 = '19610723';
const STREET = '14 Larkspur Crescent';
const POSTCODE = 'LS6 2QX';
const OBSERVATION_VALUE = '7.42';
const NOTE = 'Patient reports dizziness since Tuesday';

const ORU = [
  'MSH|^~\\&|LAB|RIVERSIDE|GW|TRUST|20240315101500||ORU^R01|CTRL0001|P|2.5.1',
  `PID|1||${NHS_NUMBER}^^^NHS^NH||${NAME_FAMILY}^${NAME_GIVEN}||${BIRTH_DATE_HL7}|F|||${STREET}^^Leeds^^${POSTCODE}`,
  `OBX|1|NM|2345-7^Glucose^LN||${OBSERVATION_VALUE}|mmol/L|3.9-5.5|H|||F`,
  `NTE|1||${NOTE}`,
].join('\r');

const PLANTED = [
  NAME_FAMILY,
  NAME_GIVEN,
  NHS_NUMBER,
  NHS_NUMBER_SPACED,
  BIRTH_DATE,
  BIRTH_DATE_HL7,
  STREET,
  POSTCODE,
  NOTE,
];

function expectNoPhi(text: string): void {
  for (const secret of PLANTED) expect(text).not.toContain(secret);
}

describe('logger PHI redaction', () => {
  it('censors known PHI keys at the top level and deep inside objects', () => {
    const { logger, text, lines } = captureLogs();

    logger.info(
      {
        patient: { name: { family: NAME_FAMILY, given: [NAME_GIVEN] }, birthDate: BIRTH_DATE },
        result: {
          orders: [
            {
              observations: [{ code: '2345-7', value: OBSERVATION_VALUE }],
              notes: [NOTE],
            },
          ],
          source: { sendingFacility: 'RIVERSIDE', details: { address: { line: [STREET] } } },
        },
        names: [NAME_FAMILY],
        identifier: NHS_NUMBER,
      },
      'mapped result',
    );

    expectNoPhi(text());
    expect(text()).not.toContain(`"${OBSERVATION_VALUE}"`);
    const [line] = lines();
    expect(line?.patient).toBe(REDACTED);
    expect(line?.msg).toBe('mapped result');
  });

  it('censors keys whose names suggest PHI', () => {
    const { logger, text } = captureLogs();

    logger.warn({
      patientDob: BIRTH_DATE,
      homeAddress: STREET,
      nhsNo: NHS_NUMBER,
      patientPostcode: POSTCODE,
      surnameGuess: NAME_FAMILY,
    });

    expectNoPhi(text());
  });

  it('blanks strings carrying HL7, wherever they are', () => {
    const { logger, text, lines } = captureLogs();

    logger.error({ detail: `could not parse: ${ORU}` }, 'parse failed');
    logger.error(`parse failed for ${ORU}`);
    logger.info({ deep: { deeper: { attempt: [ORU] } } });

    expectNoPhi(text());
    expect(text()).not.toContain('PID|');
    expect(lines()[1]?.msg).toBe(REDACTED);
  });

  it('removes NHS numbers, spaced or not, from any string and from the message text', () => {
    const { logger, text } = captureLogs();

    logger.info({ reason: `no match for ${NHS_NUMBER_SPACED}` }, `lookup of ${NHS_NUMBER}`);
    logger.info('lookup of %s failed', NHS_NUMBER_SPACED);
    logger.info('lookup of %j failed', { patient: { name: NAME_FAMILY } });

    expectNoPhi(text());
  });

  it('removes dates from free-text keys, where a birth date may hide', () => {
    const { logger, text } = captureLogs();

    logger.info({ detail: `born ${BIRTH_DATE}`, description: `DOB ${BIRTH_DATE_HL7}` });
    logger.info({ reason: 'DOB 23/07/1961' });

    expectNoPhi(text());
    expect(text()).not.toContain('23/07/1961');
  });

  it('scrubs error messages, stacks and causes, keeping type and code', () => {
    const { logger, text, lines } = captureLogs();
    const cause = new Error(`bad segment ${ORU}`);
    const error = new PlatformError('STORAGE_UNAVAILABLE', `write of ${NHS_NUMBER} failed`, {
      cause,
    });

    logger.error({ err: error }, 'archive failed');
    logger.error(error);

    expectNoPhi(text());
    const err = lines()[0]?.err as Record<string, unknown>;
    expect(err.type).toBe('PlatformError');
    expect(err.code).toBe('STORAGE_UNAVAILABLE');
    expect(err.message).toBe(`write of ${REDACTED} failed`);
  });

  it('keeps ids, including a 10-digit MSH-10, and keeps non-PHI context', () => {
    const { logger, lines } = captureLogs();
    const child = childFor(logger, {
      gatewayId: '01HRZ8J3K5W6X7Y8Z9A0B1C2D3',
      controlId: '2024031510',
      busMessageId: 'a'.repeat(64),
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });

    child.info({ messageType: 'ORU^R01', sendingFacility: 'RIVERSIDE', sizeBytes: 2048 }, 'queued');

    const [line] = lines();
    expect(line).toMatchObject({
      gatewayId: '01HRZ8J3K5W6X7Y8Z9A0B1C2D3',
      controlId: '2024031510',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      messageType: 'ORU^R01',
      sendingFacility: 'RIVERSIDE',
      sizeBytes: 2048,
      level: 'info',
      service: 'test',
    });
  });

  it('censors PHI bound to a child logger', () => {
    const { logger, text } = captureLogs();

    logger.child({ patient: NAME_FAMILY, raw: ORU }).info('bound');

    expectNoPhi(text());
  });

  it('leaves the caller’s object untouched and survives cycles', () => {
    const input: Record<string, unknown> = { patient: NAME_FAMILY };
    input.self = input;

    const output = redactPhi(input) as Record<string, unknown>;

    expect(input.patient).toBe(NAME_FAMILY);
    expect(output.patient).toBe(REDACTED);
    expect(output.self).toBe('[Circular]');
  });
});

describe('logger trace ids', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const SPAN_ID = '00f067aa0ba902b7';

  /** Runs `work` with a span of `TRACE_ID` active, through a real context manager. */
  function inSpan(work: () => void): void {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const span = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
      context.with(trace.setSpan(context.active(), span), work);
    } finally {
      context.disable();
    }
  }

  it('writes traceId once on a line of a per-message child inside a span', () => {
    const { logger, text, lines } = captureLogs();

    inSpan(() => childFor(logger, { gatewayId: 'g1', traceId: TRACE_ID }).info('processed'));

    expect(text().match(/"traceId"/g)).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
  });

  it('takes traceId and spanId from the active span when the logger binds none', () => {
    const { logger, text, lines } = captureLogs();

    inSpan(() => logger.info('request'));

    expect(text().match(/"traceId"/g)).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
  });
});
