import { describe, expect, it } from 'vitest';

import { DEFAULT_DELIMITERS, type Delimiters } from './delimiters.js';
import { HL7_NULL, Hl7Segment, headerPrefix } from './segment.js';

const context = { delimiters: DEFAULT_DELIMITERS, charset: 'utf-8' as const };

function segment(text: string, delimiters: Delimiters = DEFAULT_DELIMITERS): Hl7Segment {
  return new Hl7Segment(text, text.slice(0, 3), { delimiters, charset: 'utf-8' });
}

const MSH =
  'MSH|^~\\&|LIS^2.16.840.1.113883.3.1^ISO|LAB|EHR|CLINIC|20240711160217||ORU^R01^ORU_R01|MSG0001|P|2.5.1|||AL|NE||UNICODE UTF-8';
const PID =
  'PID|1||PAT000123^^^LAB^MR~900000001^^^SSA^SS||Doe^Jane^Q^^^^L~Roe^Jane^^^^^M||19800115|F|||1 Main St^^Springfield^IL^62701^USA';
const OBX =
  'OBX|3|NM|2345-7^Glucose [Mass/volume] in Serum or Plasma^LN||105|mg/dL^milligram per deciliter^UCUM|70-99|H|||F|||20240711093000';

describe('Hl7Segment reading', () => {
  it('counts fields by spec number, MSH-1 included', () => {
    expect(segment(PID).fieldCount).toBe(11);
    expect(segment(MSH).fieldCount).toBe(18);
    expect(segment('EVN').fieldCount).toBe(0);
    expect(segment('NTE|1|').fieldCount).toBe(2);
  });

  it('numbers MSH fields as the spec does: MSH-1 is the field separator', () => {
    const msh = segment(MSH);

    expect(msh.field(1)).toBe('|');
    expect(msh.field(2)).toBe('^~\\&');
    expect(msh.field(3)).toBe('LIS^2.16.840.1.113883.3.1^ISO');
    expect(msh.get('9.2')).toBe('R01');
    expect(msh.get('10')).toBe('MSG0001');
    expect(msh.get('18')).toBe('UNICODE UTF-8');
  });

  it('never unescapes MSH-2 and treats MSH-1 and MSH-2 as single values', () => {
    const msh = segment(MSH);

    expect(msh.value(2)).toBe('^~\\&');
    expect(msh.get('2.1')).toBe('^~\\&');
    expect(msh.get('2.2')).toBe('');
    expect(msh.get('2[2]')).toBe('');
    expect(msh.get('1.1')).toBe('|');
    expect(msh.repetitionCount(1)).toBe(1);
    expect(msh.repetitionCount(2)).toBe(1);
  });

  it('reads fields, repetitions, components and subcomponents', () => {
    const pid = segment(PID);

    expect(pid.field(3)).toBe('PAT000123^^^LAB^MR~900000001^^^SSA^SS');
    expect(pid.get('3')).toBe('PAT000123^^^LAB^MR');
    expect(pid.get('3[2]')).toBe('900000001^^^SSA^SS');
    expect(pid.raw(3, 0)).toBe('PAT000123^^^LAB^MR~900000001^^^SSA^SS');
    expect(pid.get('3.1')).toBe('PAT000123');
    expect(pid.get('3[2].1')).toBe('900000001');
    expect(pid.get('3[2].5')).toBe('SS');
    expect(pid.get('5[2].1')).toBe('Roe');
    expect(pid.get('5.1.1')).toBe('Doe');
    expect(pid.get('11.3')).toBe('Springfield');
  });

  it('reads a subcomponent', () => {
    const spm = segment('SPM|1|SID123&LAB&2.16.840.1.113883.3.1&ISO||119297000^Blood^SCT');

    expect(spm.get('2.1.1')).toBe('SID123');
    expect(spm.get('2.1.3')).toBe('2.16.840.1.113883.3.1');
    expect(spm.get('2.1.5')).toBe('');
    expect(spm.raw(2, 1, 1)).toBe('SID123&LAB&2.16.840.1.113883.3.1&ISO');
  });

  it("returns '' for whatever is absent", () => {
    const pid = segment(PID);

    expect(pid.get('2')).toBe('');
    expect(pid.get('99')).toBe('');
    expect(pid.get('3[3]')).toBe('');
    expect(pid.get('3.9')).toBe('');
    expect(pid.get('3.1.2')).toBe('');
    expect(pid.field(0)).toBe('');
    expect(pid.raw(2, 2, 2, 2)).toBe('');
    expect(pid.raw(3, 0, 1)).toBe('');
  });

  it.each([
    ['', 3, 0],
    ['PAT1', 3, 1],
    ['PAT1~PAT2', 3, 2],
    ['~', 3, 2],
    ['PAT1~~PAT3', 3, 3],
  ])('counts repetitions of %j', (field, n, expected) => {
    expect(segment(`PID|1||${field}`).repetitionCount(n)).toBe(expected);
  });

  it('keeps escapes in raw and reads them in value', () => {
    const nte = segment('NTE|1|L|Ratio \\T\\ index 1\\S\\2\\.br\\see \\H\\note\\N\\');

    expect(nte.raw(3)).toBe('Ratio \\T\\ index 1\\S\\2\\.br\\see \\H\\note\\N\\');
    expect(nte.value(3)).toBe('Ratio & index 1^2\nsee note');
  });

  it('reads each piece before unescaping, so an escaped delimiter never splits', () => {
    const obx = segment('OBX|1|ST|||A\\S\\B^C\\R\\D~E\\F\\');

    expect(obx.get('5.1')).toBe('A^B');
    expect(obx.get('5.2')).toBe('C~D');
    expect(obx.get('5[2]')).toBe('E|');
    expect(obx.repetitionCount(5)).toBe(2);
  });

  it('keeps the explicit null "" apart from an empty field', () => {
    const pid = segment('PID|1||PAT1||""|||""^Female|');

    expect(pid.get('5')).toBe('""');
    expect(pid.isExplicitNull(5)).toBe(true);
    expect(pid.isExplicitNull(8, 1, 1)).toBe(true);
    expect(pid.isExplicitNull(8)).toBe(false);
    expect(pid.isExplicitNull(4)).toBe(false);
    expect(pid.isExplicitNull(99)).toBe(false);
    expect(HL7_NULL).toBe('""');
  });

  it('reads a path that names this segment, and refuses one naming another', () => {
    const pid = segment(PID);

    expect(pid.get('PID-5.1')).toBe('Doe');
    expect(() => pid.get('OBX-5')).toThrow(RangeError);
    expect(() => pid.get('PID[2]-5')).toThrow(RangeError);
    expect(() => pid.get('5.x')).toThrow(RangeError);
  });

  it('reads a message that declares no subcomponent separator', () => {
    const noSub: Delimiters = { ...DEFAULT_DELIMITERS, subcomponent: '' };
    const obx = segment('OBX|1|ST|||A&B^C', noSub);

    expect(obx.get('5.1.1')).toBe('A&B');
    expect(obx.get('5.1.2')).toBe('');
  });

  it('is the text it was built from, untouched by reads', () => {
    const obx = segment(OBX);
    obx.get('5');
    obx.get('3[4].2.1');

    expect(obx.toString()).toBe(OBX);
  });
});

describe('Hl7Segment writing', () => {
  it('escapes what it sets and reads it back', () => {
    const nte = segment('NTE|1|L|');
    nte.set('3', 'Hb A1c | 6.1% ^ ~ & \\ high\nrepeat');

    expect(nte.raw(3)).toBe('Hb A1c \\F\\ 6.1% \\S\\ \\R\\ \\T\\ \\E\\ high\\.br\\repeat');
    expect(nte.get('3')).toBe('Hb A1c | 6.1% ^ ~ & \\ high\nrepeat');
    expect(nte.toString()).toBe(
      'NTE|1|L|Hb A1c \\F\\ 6.1% \\S\\ \\R\\ \\T\\ \\E\\ high\\.br\\repeat',
    );
  });

  it('adds missing fields', () => {
    const obx = segment('OBX|1|NM');
    obx.set('5', '7.2');

    expect(obx.toString()).toBe('OBX|1|NM|||7.2');
    expect(obx.fieldCount).toBe(5);
  });

  it('adds missing components and subcomponents', () => {
    const obx = segment('OBX|1|CWE|');
    obx.set('3.3', 'LN');
    obx.set('4.2.3', 'ISO');

    expect(obx.toString()).toBe('OBX|1|CWE|^^LN|^&&ISO');
    expect(obx.get('3.3')).toBe('LN');
    expect(obx.get('4.2.3')).toBe('ISO');
  });

  it('adds missing repetitions and keeps the others', () => {
    const pid = segment('PID|1||PAT1^^^LAB^MR');
    pid.set('3[3].1', '900000001');
    pid.set('3[3].5', 'SS');

    expect(pid.field(3)).toBe('PAT1^^^LAB^MR~~900000001^^^^SS');
    expect(pid.repetitionCount(3)).toBe(3);
    expect(pid.get('3.1')).toBe('PAT1');
  });

  it('replaces one component and keeps its neighbours', () => {
    const pid = segment(PID);
    pid.set('5[2].2', 'Janet');

    expect(pid.field(5)).toBe('Doe^Jane^Q^^^^L~Roe^Janet^^^^^M');
    expect(pid.get('11.3')).toBe('Springfield');
  });

  it('replaces the first repetition for a path without one, as get reads it', () => {
    const pid = segment(PID);
    pid.set('3', 'NEW1');

    expect(pid.field(3)).toBe('NEW1~900000001^^^SSA^SS');
    expect(pid.get('3')).toBe('NEW1');
    expect(pid.repetitionCount(3)).toBe(2);
  });

  it('replaces a whole field, repetitions included, with setRaw', () => {
    const pid = segment(PID);
    pid.setRaw(3, 'NEW1', 0);

    expect(pid.field(3)).toBe('NEW1');
    expect(pid.raw(3, 0)).toBe('NEW1');
    expect(pid.repetitionCount(3)).toBe(1);
  });

  it('writes MSH fields by spec number', () => {
    const msh = segment(MSH);
    msh.set('10', 'MSG0002');
    msh.set('9.3', '');

    expect(msh.get('10')).toBe('MSG0002');
    expect(msh.toString()).toContain('|ORU^R01^|MSG0002|');
    expect(msh.toString().startsWith('MSH|^~\\&|LIS')).toBe(true);
  });

  it.each([['1'], ['2'], ['2.1']])('refuses to set MSH-%s, which holds the delimiters', (path) => {
    expect(() => segment(MSH).set(path, 'x')).toThrow(RangeError);
  });

  it('writes raw text as given', () => {
    const obx = segment('OBX|1|ST');
    obx.setRaw(5, 'A\\S\\B', 2, 1);

    expect(obx.field(5)).toBe('~A\\S\\B');
    expect(obx.get('5[2]')).toBe('A^B');
  });

  it.each([
    ['a line break', () => segment('OBX|1').setRaw(5, 'a\rb')],
    ['field 0', () => segment('OBX|1').setRaw(0, 'x')],
    ['repetition -1', () => segment('OBX|1').setRaw(5, 'x', -1)],
    ['a component of the whole field', () => segment('OBX|1').setRaw(5, 'x', 0, 1)],
    ['a negative component', () => segment('OBX|1').setRaw(5, 'x', 1, -1)],
    ['a field beyond 100000', () => segment('OBX|1').setRaw(100_001, 'x')],
    ['a fractional field', () => segment('OBX|1').setRaw(1.5, 'x')],
    ['a huge repetition', () => segment('OBX|1').set(`5[${2 ** 40}]`, 'x')],
    ['another segment', () => segment('OBX|1').set('PID-5', 'x')],
  ])('refuses %s', (_case, write) => {
    expect(write).toThrow(RangeError);
  });

  it('refuses a value it cannot escape when the message has no escape character', () => {
    const noEscape: Delimiters = { ...DEFAULT_DELIMITERS, escape: '', subcomponent: '' };
    const obx = segment('OBX|1|ST', noEscape);
    obx.set('5', 'plain');

    expect(obx.get('5')).toBe('plain');
    expect(() => obx.set('5', 'a|b')).toThrow(RangeError);
    expect(() => obx.set('5', 'a\nb')).toThrow(RangeError);
  });

  it('writes a subcomponent only as subcomponent 1 when there is no separator for it', () => {
    const noSub: Delimiters = { ...DEFAULT_DELIMITERS, subcomponent: '' };
    const obx = segment('OBX|1|CWE|A^B', noSub);
    obx.set('3.2.1', 'C');

    expect(obx.toString()).toBe('OBX|1|CWE|A^C');
    expect(() => obx.set('3.2.2', 'D')).toThrow(RangeError);
  });

  it('escapes with the delimiters of its message', () => {
    const custom: Delimiters = {
      field: '#',
      component: '$',
      repetition: '~',
      escape: '?',
      subcomponent: '*',
      truncation: '',
    };
    const nte = new Hl7Segment('NTE#1', 'NTE', { delimiters: custom, charset: 'utf-8' });
    nte.set('3', 'A#B$C?');

    expect(nte.toString()).toBe('NTE#1##A?F?B?S?C?E?');
    expect(nte.get('3')).toBe('A#B$C?');
  });
});

describe('headerPrefix', () => {
  it.each([
    ['MSH', DEFAULT_DELIMITERS, 'MSH|^~\\&'],
    ['BHS', { ...DEFAULT_DELIMITERS, truncation: '#' }, 'BHS|^~\\&#'],
  ])('writes the %s header up to field 2', (name, delimiters, expected) => {
    expect(headerPrefix(name, delimiters)).toBe(expected);
  });

  it('builds a header the segment reads back', () => {
    const msh = new Hl7Segment(`${headerPrefix('MSH', DEFAULT_DELIMITERS)}|LIS`, 'MSH', context);

    expect(msh.get('3')).toBe('LIS');
    expect(msh.field(2)).toBe('^~\\&');
  });
});
