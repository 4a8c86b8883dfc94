import { describe, expect, it } from 'vitest';

import { FilterError } from './filter-error.js';
import type { FilterableMessage } from './filterable-message.js';
import { compileSqlFilter } from './sql-evaluate.js';
import { parseSqlFilter } from './sql-parser.js';

/** A published result as the processor describes it to subscribers. */
const RESULT: FilterableMessage = {
  applicationProperties: {
    messageType: 'ORU^R01',
    hl7Version: '2.5.1',
    sendingFacility: 'LAB1',
    receivingFacility: 'GENHOSP',
    resultStatus: 'F',
    abnormal: true,
    priority: null,
    replayCount: 0,
    observationCount: 3,
    weight: 2.5,
    sequence: 9007199254740993n,
    'odd-name': 5,
    'with.dot': 'yes',
    note: "O'Brien 100% sure_ish",
    receivedAt: new Date('2024-05-01T10:00:00Z'),
  },
  system: {
    messageId: 'a3f1c2',
    correlationId: 'corr-1',
    sessionId: 'LAB1|MRN123',
    subject: 'x',
    contentType: 'application/json',
  },
};

describe('compileSqlFilter', () => {
  it.each([
    // The gateway's own subscriptions.
    ['abnormal = true', true],
    ['abnormal = FALSE', false],
    ["sendingFacility IN ('LAB1','LAB2') AND resultStatus <> 'P'", true],
    ["sendingFacility IN ('LAB2','LAB3') AND resultStatus <> 'P'", false],
    ["messageType LIKE 'ORU%'", true],
    ["messageType LIKE 'ADT%'", false],
    ['priority IS NULL', true],
    ['priority IS NOT NULL', false],
    ['missing IS NULL', true],
    ['resultStatus IS NULL', false],
    ['resultStatus IS NOT NULL', true],
    ['1=1', true],
    ['TRUE', true],
    ['FALSE', false],
    ['1 = 0', false],
    // Comparisons.
    ["resultStatus = 'F'", true],
    ["resultStatus = 'f'", false],
    ["resultStatus != 'F'", false],
    ["resultStatus <> 'C'", true],
    ['observationCount > 2', true],
    ['observationCount >= 3', true],
    ['observationCount < 3', false],
    ['observationCount <= 3', true],
    ['observationCount = 3.0', true],
    ['weight > 2', true],
    ['weight < 2.51', true],
    ['weight = 25E-1', true],
    ['replayCount = -0', true],
    ['sequence > 9007199254740000', true],
    ['0 < observationCount', true],
    ['observationCount = replayCount + 3', true],
    ['observationCount * 2 - 1 = 5', true],
    ['observationCount / 2 = 1', true],
    ['weight / 2 = 1.25', true],
    ['observationCount % 2 = 1', true],
    ['-observationCount = -3', true],
    ['(observationCount + 1) * 2 = 8', true],
    // Scopes and names.
    ["sys.Label = 'x'", true],
    ["sys.Subject = 'x'", true],
    ["sys.messageid = 'a3f1c2'", true],
    ["sys.CorrelationId = 'corr-1' AND sys.SessionId LIKE 'LAB1|%'", true],
    ["sys.ContentType = 'application/json'", true],
    ["sys.To = 'x'", false],
    ['sys.To IS NULL', true],
    ["user.sendingFacility = 'LAB1'", true],
    ["[sendingFacility] = 'LAB1'", true],
    ['"sendingFacility" = \'LAB1\'', true],
    ['[odd-name] = 5', true],
    ["[with.dot] = 'yes'", true],
    ["SendingFacility = 'LAB1'", false],
    ['EXISTS(priority)', true],
    ['EXISTS(missing)', false],
    ['NOT EXISTS(missing)', true],
    ['EXISTS(sys.MessageId)', true],
    ['EXISTS(sys.ReplyTo)', false],
    // IN and LIKE.
    ["resultStatus NOT IN ('P','X')", true],
    ["resultStatus NOT IN ('F','C')", false],
    ['observationCount IN (1, 2, 3)', true],
    ["observationCount IN ('3')", false],
    ["messageType NOT LIKE 'ORU%'", false],
    ["messageType LIKE 'ORU^R__'", true],
    ["messageType LIKE 'ORU^R_'", false],
    ["messageType LIKE '%R01'", true],
    ["messageType LIKE 'oru%'", false],
    ["note LIKE '%100!%%' ESCAPE '!'", true],
    ["note LIKE '%sure!_ish' ESCAPE '!'", true],
    ["note LIKE '%sure!_Xsh' ESCAPE '!'", false],
    ["note LIKE 'O''Brien%'", true],
    ["note LIKE '%.%'", false],
    ["hl7Version LIKE '2.5.1'", true],
    ["hl7Version LIKE '2_5_1'", true],
    // Logic.
    ['NOT (abnormal = TRUE OR observationCount = 2)', false],
    ['NOT (abnormal = FALSE OR observationCount = 2)', true],
    ["abnormal = TRUE AND (resultStatus = 'P' OR resultStatus = 'F')", true],
    ["abnormal = TRUE AND resultStatus = 'P' OR resultStatus = 'F'", true],
    ["abnormal = FALSE AND resultStatus = 'P' OR resultStatus = 'C'", false],
    ['NOT NOT abnormal = TRUE', true],
  ])('%s → %s', (expression, expected) => {
    expect(compileSqlFilter(expression)(RESULT)).toBe(expected);
  });

  describe('three-valued logic: an unknown operand never matches, even negated', () => {
    it.each([
      ['missing = 1', false],
      ['missing <> 1', false],
      ['NOT (missing = 1)', false],
      ['priority = NULL', false],
      ['priority <> NULL', false],
      ['NOT (priority = 1)', false],
      ['missing = 1 OR abnormal = TRUE', true],
      ['missing = 1 OR abnormal = FALSE', false],
      ['NOT (missing = 1 OR abnormal = FALSE)', false],
      ['missing = 1 AND abnormal = FALSE', false],
      ['NOT (missing = 1 AND abnormal = FALSE)', true],
      ['NOT (missing = 1 AND abnormal = TRUE)', false],
      ["missing IN ('a', 'b')", false],
      ["missing NOT IN ('a', 'b')", false],
      ["resultStatus IN ('P', missing)", false],
      ["resultStatus NOT IN ('P', missing)", false],
      ["resultStatus IN ('F', missing)", true],
      ["missing LIKE '%'", false],
      ["missing NOT LIKE '%'", false],
      ['missing + 1 = 1', false],
      ['-missing = 1', false],
      ['observationCount / 0 = 1', false],
      ['NOT (observationCount % 0 = 1)', false],
    ])('%s → %s', (expression, expected) => {
      expect(compileSqlFilter(expression)(RESULT)).toBe(expected);
    });
  });

  describe('mismatched types never convert: the comparison is unknown', () => {
    it.each([
      ["observationCount = '3'", false],
      ["NOT (observationCount = '3')", false],
      ["observationCount <> '3'", false],
      ["abnormal = 'true'", false],
      ['abnormal = 1', false],
      ["resultStatus > 'A'", false],
      ["NOT (resultStatus > 'A')", false],
      ['abnormal > FALSE', false],
      ["observationCount LIKE '3'", false],
      ["resultStatus + 'x' = 'Fx'", false],
      ["receivedAt = '2024-05-01T10:00:00Z'", false],
      ['receivedAt IS NULL', false],
      ['EXISTS(receivedAt)', true],
    ])('%s → %s', (expression, expected) => {
      expect(compileSqlFilter(expression)(RESULT)).toBe(expected);
    });
  });

  it('accepts a tree from parseSqlFilter', () => {
    expect(compileSqlFilter(parseSqlFilter('abnormal = TRUE'))(RESULT)).toBe(true);
  });

  it('reads properties inherited from no prototype', () => {
    const message: FilterableMessage = { applicationProperties: {}, system: {} };
    expect(compileSqlFilter('EXISTS(toString)')(message)).toBe(false);
    expect(compileSqlFilter('toString IS NULL')(message)).toBe(true);
  });

  it('refuses a LIKE pattern that ends with its escape character', () => {
    expect(() => compileSqlFilter("a LIKE 'abc!' ESCAPE '!'")).toThrow(FilterError);
    expect(() => compileSqlFilter("a LIKE 'abc!' ESCAPE '!'")).toThrow(
      'the LIKE pattern at position 0 ends with its escape character',
    );
  });
});
