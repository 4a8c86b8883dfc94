import { describe, expect, it } from 'vitest';
import { readOruR01, type SegmentRef } from './oru-r01.js';
import { parse } from './parse.js';
import { formatLocation } from './path.js';

const MSH = String.raw`MSH|^~\&|LABSYS|CITY LAB|EHR|GENERAL HOSP|20190720083500-0500||ORU^R01^ORU_R01|MSG00042|P|2.5.1`;

function where(ref: SegmentRef | undefined): string {
  return ref === undefined ? 'none' : formatLocation(ref.segment.name, ref.occurrence);
}

function read(lines: string[]) {
  return readOruR01(parse([MSH, ...lines].join('\r')));
}

describe('readOruR01', () => {
  it('groups a well-ordered message along the v2.5.1 structure', () => {
    const view = read([
      'SFT|Acme Lab Systems|4.2|LabSys|4200',
      'PID|1||PT-4471^^^CITY LAB^MR||JONES^MARY',
      'PD1|||CITY CLINIC',
      'NTE|1|P|Patient fasting',
      'NK1|1|JONES^ROBERT|FTH^Father^HL70063',
      'PV1|1|O',
      'PV2|||R50.9^Fever^I10',
      'ORC|RE|ORD-100',
      'OBR|1|ORD-100||24323-8^Comprehensive metabolic panel^LN',
      'NTE|1|L|Hemolyzed',
      'TQ1|1||||||||S',
      'OBX|1|NM|2345-7^Glucose^LN||105|mg/dL',
      'NTE|1|L|Repeated',
      'NTE|2|L|Confirmed',
      'OBX|2|NM|2951-2^Sodium^LN||140|mmol/L',
      'SPM|1|SP-1||119297000^Blood specimen^SCT',
      'OBX|3|CWE|33882-2^Collection^LN||Y^Yes^HL70136',
      'NTE|1|L|Collected at home',
      'ORC|RE|ORD-101',
      'OBR|2|ORD-101||600-7^Culture^LN',
      'OBX|4|ST|600-7^Culture^LN||Pending',
    ]);

    expect(where(view.header)).toBe('MSH');
    expect(view.software.map(where)).toEqual(['SFT']);
    expect(where(view.patient?.pid)).toBe('PID');
    expect(where(view.patient?.pd1)).toBe('PD1');
    expect(view.patient?.notes.map(where)).toEqual(['NTE']);
    expect(view.patient?.nextOfKin.map(where)).toEqual(['NK1']);
    expect(where(view.visit?.pv1)).toBe('PV1');
    expect(where(view.visit?.pv2)).toBe('PV2');
    expect(view.orders).toHaveLength(2);

    const [first, second] = view.orders;
    expect(where(first?.orc)).toBe('ORC');
    expect(where(first?.obr)).toBe('OBR');
    expect(first?.notes.map(where)).toEqual(['NTE[2]']);
    expect(first?.timing.map(where)).toEqual(['TQ1']);
    expect(first?.observations.map((o) => [where(o.obx), o.notes.map(where)])).toEqual([
      ['OBX', ['NTE[3]', 'NTE[4]']],
      ['OBX[2]', []],
    ]);
    expect(first?.specimens.map((s) => where(s.spm))).toEqual(['SPM']);
    expect(
      first?.specimens[0]?.observations.map((o) => [where(o.obx), o.notes.map(where)]),
    ).toEqual([['OBX[3]', ['NTE[5]']]]);
    expect(where(second?.orc)).toBe('ORC[2]');
    expect(where(second?.obr)).toBe('OBR[2]');
    expect(second?.observations.map((o) => where(o.obx))).toEqual(['OBX[4]']);
    expect(view.patientResults).toHaveLength(1);
    expect(view.skipped).toEqual([]);
  });

  it('holds the segments themselves, so values read through the view', () => {
    const view = read(['PID|1||PT-4471', 'OBR|1', String.raw`OBX|1|ST|8251-1^Note^LN||A \T\ B`]);

    expect(view.orders[0]?.observations[0]?.obx.segment.value(5)).toBe('A & B');
  });

  it('places segments that are a little out of order and skips Z and unknown ones', () => {
    const view = read([
      'PID|1||PT-4471',
      'NK1|1|JONES^ROBERT',
      'PD1|||CITY CLINIC',
      'ZPI|1|custom',
      'OBR|1|ORD-100',
      'OBX|1|NM|2345-7^Glucose^LN||105',
      'TQ1|1||||||||R',
      'ZOB|1|custom',
      'NTE|1|L|About the glucose',
      'OBR|2|ORD-101',
      'CTD|1',
    ]);

    expect(where(view.patient?.pd1)).toBe('PD1');
    expect(view.orders.map((o) => where(o.orc))).toEqual(['none', 'none']);
    expect(view.orders[0]?.timing.map(where)).toEqual(['TQ1']);
    expect(view.orders[0]?.observations[0]?.notes.map(where)).toEqual(['NTE']);
    expect(view.skipped.map(where)).toEqual(['ZPI', 'ZOB', 'CTD']);
  });

  it('starts a new order at every OBR, even when one ORC precedes several', () => {
    const view = read([
      'PID|1||PT-4471',
      'ORC|RE|ORD-100',
      'OBR|1|ORD-100',
      'OBR|2|ORD-100',
      'OBX|1|NM|2345-7^Glucose^LN||105',
    ]);

    expect(view.orders.map((o) => [where(o.orc), where(o.obr), o.observations.length])).toEqual([
      ['ORC', 'OBR', 0],
      ['none', 'OBR[2]', 1],
    ]);
  });

  it('skips what has nowhere to go: an OBX before any OBR, an ORC without OBR, a second PV1', () => {
    const view = read([
      'PID|1||PT-4471',
      'PV1|1|O',
      'PV1|2|I',
      'OBX|1|NM|2345-7^Glucose^LN||105',
      'NTE|1|L|Orphan note',
      'ORC|RE|ORD-099',
      'ORC|RE|ORD-100',
      'OBR|1|ORD-100',
      'ORC|RE|ORD-101',
    ]);

    expect(view.skipped.map(where)).toEqual(['PV1[2]', 'OBX', 'NTE', 'ORC', 'ORC[3]']);
    expect(where(view.orders[0]?.orc)).toBe('ORC[2]');
  });

  it('starts a new patient result at a second PID', () => {
    const view = read([
      'PID|1||PT-4471',
      'OBR|1|ORD-100',
      'OBX|1|NM|2345-7^Glucose^LN||105',
      'PID|2||PT-5000',
      'PV1|1|O',
      'OBR|1|ORD-200',
    ]);

    expect(view.patientResults.map((r) => [where(r.patient?.pid), where(r.visit?.pv1)])).toEqual([
      ['PID', 'none'],
      ['PID[2]', 'PV1'],
    ]);
    expect(where(view.patient?.pid)).toBe('PID');
    expect(view.orders.map((o) => where(o.obr))).toEqual(['OBR']);
    expect(view.patientResults[1]?.orders.map((o) => where(o.obr))).toEqual(['OBR[2]']);
  });

  it('reads a message without PID as one patient result without a patient', () => {
    const view = read(['OBR|1|ORD-100', 'OBX|1|NM|2345-7^Glucose^LN||105']);

    expect(view.patient).toBeUndefined();
    expect(view.orders).toHaveLength(1);
  });
});
