import type { ParkedRecord, StatusRecord, StatusStep } from '@hl7gw/platform';
import { describe, expect, it } from 'vitest';

import { summarise } from './summary.js';

const FROM = new Date('2026-12-03T09:00:00.000Z');
const TO = new Date('2026-12-03T11:00:00.000Z');

function status(
  id: string,
  facts: { messageType?: string; sendingFacility?: string },
  steps: [StatusStep['status'], string][],
): StatusRecord {
  const history = steps.map(([step, at]) => ({ status: step, at }));
  return {
    id,
    status: history.at(-1)?.status ?? 'received',
    history,
    createdAt: history[0]?.at ?? '',
    updatedAt: history.at(-1)?.at ?? '',
    ...facts,
  };
}

function parked(id: string, category: ParkedRecord['category'], deadLetteredAt: string) {
  return { id, category, deadLetteredAt } as ParkedRecord;
}

describe('summarise', () => {
  const oru = { messageType: 'ORU^R01', sendingFacility: 'CARDIFF LAB' };
  const records = [
    status('a', oru, [
      ['received', '2026-12-03T09:10:00.000Z'],
      ['queued', '2026-12-03T09:10:00.010Z'],
      ['processed', '2026-12-03T09:10:00.250Z'],
      // A redelivery records the step again; it counts once.
      ['processed', '2026-12-03T09:10:01.000Z'],
    ]),
    status('b', oru, [
      ['received', '2026-12-03T09:20:00.000Z'],
      ['queued', '2026-12-03T09:20:00.010Z'],
      ['processed', '2026-12-03T10:00:00.750Z'],
    ]),
    status('c', { messageType: 'ADT^A01', sendingFacility: 'SWANSEA LAB' }, [
      ['received', '2026-12-03T10:05:00.000Z'],
      ['rejected', '2026-12-03T10:05:00.005Z'],
    ]),
    status('d', {}, [
      ['received', '2026-12-03T08:59:59.999Z'],
      ['queued', '2026-12-03T09:00:00.000Z'],
      ['dead-lettered', '2026-12-03T10:30:00.000Z'],
    ]),
  ];
  const deadLetters = [
    parked('d', 'validation', '2026-12-03T10:30:00.100Z'),
    parked('e', 'max-delivery', '2026-12-03T09:45:00.000Z'),
    parked('f', 'validation', '2026-12-03T11:00:00.000Z'),
  ];
  const report = summarise(records, deadLetters, FROM, TO);

  it('has every hour of the window, in order', () => {
    expect(report.hours.map((hour) => hour.hour)).toEqual([
      '2026-12-03T09:00:00.000Z',
      '2026-12-03T10:00:00.000Z',
    ]);
  });

  it('counts each outcome once, in the hour of its first step, inside the window only', () => {
    const [nine, ten] = report.hours;
    expect(nine).toMatchObject({ received: 2, processed: 1, rejected: 0, deadLettered: 0 });
    expect(ten).toMatchObject({ received: 1, processed: 1, rejected: 1, deadLettered: 1 });
    expect(report.totals).toMatchObject({
      received: 3,
      processed: 2,
      rejected: 1,
      deadLettered: 1,
    });
  });

  it('breaks counts down by message type and sender', () => {
    expect(report.totals.byMessageType).toEqual({
      'ORU^R01': { received: 2, processed: 2, rejected: 0, deadLettered: 0 },
      'ADT^A01': { received: 1, processed: 0, rejected: 1, deadLettered: 0 },
      unknown: { received: 0, processed: 0, rejected: 0, deadLettered: 1 },
    });
    expect(report.hours[1]?.bySender['SWANSEA LAB']).toEqual({
      received: 1,
      processed: 0,
      rejected: 1,
      deadLettered: 0,
    });
  });

  it('rates success over outcomes and averages processing time where it ended', () => {
    expect(report.hours[0]).toMatchObject({ successRate: 1, averageProcessingMs: 250 });
    expect(report.hours[1]).toMatchObject({ successRate: 0.3333, averageProcessingMs: 2_400_750 });
    expect(report.totals).toMatchObject({ successRate: 0.5, averageProcessingMs: 1_200_500 });
  });

  it('counts parked dead letters by category in their hour, excluding the window end', () => {
    expect(report.hours[0]?.deadLettersByCategory).toEqual({ 'max-delivery': 1 });
    expect(report.hours[1]?.deadLettersByCategory).toEqual({ validation: 1 });
    expect(report.totals.deadLettersByCategory).toEqual({ validation: 1, 'max-delivery': 1 });
  });

  it('answers nulls, not zeros, for rates of an empty window', () => {
    const empty = summarise([], [], FROM, new Date('2026-12-03T09:30:00.000Z'));
    expect(empty.hours).toHaveLength(1);
    expect(empty.totals).toMatchObject({
      received: 0,
      successRate: null,
      averageProcessingMs: null,
    });
  });
});
