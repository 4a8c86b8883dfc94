import { describe, expect, it } from 'vitest';

import { DEFAULT_DELIMITERS } from './delimiters.js';
import { Hl7Message } from './message.js';
import { parse } from './parse.js';
import { serialize } from './serialize.js';

const ORU = [
  'MSH|^~\\&|LIS|COUNTY LAB^2.16.840.1.113883.3.9^ISO|EHR|CLINIC|20240711160217||ORU^R01^ORU_R01|LAB20240711-0042|P|2.5.1|||AL|NE',
  'PID|1||PAT000123^^^LAB^MR~900000001^^^SSA^SS||Doe^Jane^Q||19800115|F',
  'ORC|RE|ORD789|FIL456',
  'OBR|1|ORD789|FIL456|24323-8^Comprehensive metabolic panel^LN|||20240711083000',
  'OBX|1|NM|2345-7^Glucose^LN||105|mg/dL|70-99|H|||F',
  'OBX|2|NM|2160-0^Creatinine^LN||""|mg/dL|0.6-1.1||||F',
  'NTE|1|L|Specimen slightly hemolyzed \\T\\ lipemic',
  'OBX|3|ST|8251-1^Service comment^LN||See note\\.br\\Repeat in 2 weeks||||||F',
  'ZLR|1|Lab director^Smith^Ann',
].join('\r');

describe('Hl7Message', () => {
  it('reads values by path, unescaped', () => {
    const message = parse(ORU);

    expect(message.get('PID-5.1')).toBe('Doe');
    expect(message.get('PID-3[2].1')).toBe('900000001');
    expect(message.get('OBX[2]-3.2')).toBe('Creatinine');
    expect(message.get('OBX[3]-5')).toBe('See note\nRepeat in 2 weeks');
    expect(message.get('NTE-3')).toBe('Specimen slightly hemolyzed & lipemic');
    expect(message.get('ZLR-2.3')).toBe('Ann');
    expect(message.get('MSH-4.2')).toBe('2.16.840.1.113883.3.9');
  });

  it("returns '' for an absent segment or value", () => {
    const message = parse(ORU);

    expect(message.get('OBX[4]-5')).toBe('');
    expect(message.get('PV1-2')).toBe('');
    expect(message.get('OBX-99')).toBe('');
  });

  it('reads MSH-1 as the field separator and MSH-2 literally', () => {
    const message = parse(ORU);

    expect(message.get('MSH-1')).toBe('|');
    expect(message.get('MSH-2')).toBe('^~\\&');
    expect(message.header.field(2)).toBe('^~\\&');
  });

  it('reads the header', () => {
    const message = parse(ORU);

    expect(message.header.name).toBe('MSH');
    expect(message.messageType).toBe('ORU^R01');
    expect(message.controlId).toBe('LAB20240711-0042');
    expect(message.version).toBe('2.5.1');
    expect(message.charset).toBe('utf-8');
    expect(message.delimiters).toEqual(DEFAULT_DELIMITERS);
    expect(message.repairs).toEqual([]);
  });

  it.each([
    ['ADT^A01', 'ADT^A01'],
    ['ACK', 'ACK'],
    ['ORU^R01^ORU_R01', 'ORU^R01'],
    ['', ''],
  ])('writes MSH-9 %j as the message type %j', (msh9, expected) => {
    expect(parse(`MSH|^~\\&|A|B|C|D|20240101||${msh9}|1|P|2.5.1`).messageType).toBe(expected);
  });

  it('writes the message type with ^ whatever the component separator', () => {
    const message = parse('MSH|$~\\&|A|B|C|D|20240101||ORU$R01|1|P|2.3');

    expect(message.messageType).toBe('ORU^R01');
    expect(message.get('MSH-9.2')).toBe('R01');
  });

  it('keeps the explicit null apart from an empty value', () => {
    const message = parse(ORU);

    expect(message.get('OBX[2]-5')).toBe('""');
    expect(message.isExplicitNull('OBX[2]-5')).toBe(true);
    expect(message.isExplicitNull('OBX[2]-4')).toBe(false);
    expect(message.isExplicitNull('OBX[1]-5')).toBe(false);
    expect(message.isExplicitNull('PV1-2')).toBe(false);
  });

  it('lists segments in order and by name', () => {
    const message = parse(ORU);

    expect(message.segments().map((s) => s.name)).toEqual([
      'MSH',
      'PID',
      'ORC',
      'OBR',
      'OBX',
      'OBX',
      'NTE',
      'OBX',
      'ZLR',
    ]);
    expect(message.segments('OBX').map((s) => s.get('1'))).toEqual(['1', '2', '3']);
    expect(message.segments('PV1')).toEqual([]);
    expect(message.segment('OBX', 3)?.get('3.1')).toBe('8251-1');
    expect(message.segment('OBX', 4)).toBeUndefined();
    expect(message.segment('OBX', 0)).toBeUndefined();
  });

  it.each([['5'], ['PID'], ['pid-5'], ['PID-0']])('throws a RangeError for path %j', (path) => {
    const message = parse(ORU);

    expect(() => message.get(path)).toThrow(RangeError);
    expect(() => message.isExplicitNull(path)).toThrow(RangeError);
  });

  it('writes itself with each segment ended by \\r', () => {
    expect(parse(ORU).toString()).toBe(ORU + '\r');
    expect(serialize(parse(ORU))).toBe(ORU + '\r');
  });

  it('writes back what was set through a segment, and reads it again', () => {
    const message = parse(ORU);
    message.segment('OBX', 1)?.set('5', '105 | rechecked');
    message.segment('PID')?.set('5.2', 'Janet');

    const reread = parse(message.toString());
    expect(reread.get('OBX-5')).toBe('105 | rechecked');
    expect(reread.get('PID-5.2')).toBe('Janet');
    expect(reread.segments()).toHaveLength(9);
  });

  it('appends a segment, found by name afterwards', () => {
    const message = parse(ORU);
    message.segments('OBX');
    const nte = message.appendSegment('NTE|2|L|Reviewed');

    expect(nte.name).toBe('NTE');
    expect(message.segments('NTE')).toHaveLength(2);
    expect(message.get('NTE[2]-3')).toBe('Reviewed');
    expect(message.toString().endsWith('\rNTE|2|L|Reviewed\r')).toBe(true);
  });

  it('builds from segment texts', () => {
    const message = new Hl7Message(
      ['MSH|^~\\&|LIS|LAB|||20240101||ACK|9|P|2.5.1', 'MSA|AA|8'],
      DEFAULT_DELIMITERS,
      'utf-8',
    );

    expect(message.get('MSA-2')).toBe('8');
    expect(message.messageType).toBe('ACK');
    expect(message.repairs).toEqual([]);
  });

  it('serializes to bytes in its own charset', () => {
    const header = Buffer.from('MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||8859/1\rPID|1||||Mu');
    const message = parse(new Uint8Array([...header, 0xf1, 0x6f, 0x7a]));

    expect(message.get('PID-5')).toBe('Muñoz');
    expect(Array.from(serialize(message, { bytes: true }).slice(-5))).toEqual([
      0x75, 0xf1, 0x6f, 0x7a, 0x0d,
    ]);
  });
});
