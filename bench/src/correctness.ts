/**
 * What each library gets right, checked against the values the fixtures were built from:
 * unescaping, non-default delimiters, a UTF-8 byte order mark, and plain reads.
 */
import type { Fixture } from './fixtures.js';
import { splitBatch, withBom, withOtherDelimiters } from './fixtures.js';
import { readOnce, type Library, type MessageReads } from './peers.js';

/** `yes`, `no`, or `fails` when the library threw. */
export type Verdict = 'yes' | 'no' | 'fails';

/** One library's verdicts on fixture (a) and its variants. */
export interface Capabilities {
  readonly unescapes: Verdict;
  readonly otherDelimiters: Verdict;
  readonly bom: Verdict;
}

/**
 * Differences between what a library read and what the fixture holds, leaving out values
 * that contain escape sequences (those are the unescaping check's business); empty when
 * every read matches.
 */
export function readMismatches(fixture: Fixture, reads: MessageReads): string[] {
  const problems: string[] = [];
  if (reads.controlId !== fixture.controlId) problems.push('MSH-10');
  if (reads.obx.length !== fixture.observations.length) {
    problems.push(`${reads.obx.length} OBX read, ${fixture.observations.length} expected`);
  }
  fixture.observations.forEach((expected, i) => {
    const read = reads.obx[i];
    if (!read) return;
    const where = `OBX[${i + 1}]`;
    if (read.code !== expected.code) problems.push(`${where}-3.1`);
    if (expected.rawValue === expected.value && read.value !== expected.value) {
      problems.push(`${where}-5`);
    }
    if (read.units !== expected.units) problems.push(`${where}-6.1`);
    if (read.flag !== expected.flag) problems.push(`${where}-8`);
  });
  return problems;
}

/** The first message of a fixture: the fixture itself, or the first message of a batch. */
export function firstMessage(fixture: Fixture): string {
  return fixture.messageCount === 1 ? fixture.text : (splitBatch(fixture.text)[0] ?? '');
}

function variantVerdict(fixture: Fixture, library: Library, text: string): Verdict {
  const reads = readOnce(library, text);
  if (reads instanceof Error) return 'fails';
  return readMismatches(fixture, reads).length === 0 ? 'yes' : 'no';
}

/**
 * Checks a library on fixture (a): whether OBX-5 of the escaped OBX reads as the unescaped
 * text; whether every other read still matches with delimiters `#$!@%`; and with a BOM.
 */
export function capabilities(library: Library, small: Fixture): Capabilities {
  const reads = readOnce(library, small.text);
  let unescapes: Verdict = 'fails';
  if (!(reads instanceof Error)) {
    const escaped = small.observations[small.escapedIndex];
    unescapes = escaped && reads.obx[small.escapedIndex]?.value === escaped.value ? 'yes' : 'no';
  }
  return {
    unescapes,
    otherDelimiters: variantVerdict(small, library, withOtherDelimiters(small)),
    bom: variantVerdict(small, library, withBom(small.text)),
  };
}
