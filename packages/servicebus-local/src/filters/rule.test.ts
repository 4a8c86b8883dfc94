import { describe, expect, it } from 'vitest';

import type { FilterableMessage } from './filterable-message.js';
import { compileRule, compileRules, matchesAny, type RuleConfig } from './rule.js';

function result(properties: Record<string, unknown>): FilterableMessage {
  return { applicationProperties: properties, system: { correlationId: 'corr-1' } };
}

const ABNORMAL: RuleConfig = {
  name: 'abnormal',
  filter: { type: 'sql', sqlExpression: 'abnormal = TRUE' },
};
const LAB2: RuleConfig = {
  name: 'lab2',
  filter: { type: 'correlation', applicationProperties: { sendingFacility: 'LAB2' } },
};

describe('compileRule', () => {
  it.each([
    [ABNORMAL, result({ abnormal: true }), true],
    [ABNORMAL, result({ abnormal: false }), false],
    [LAB2, result({ sendingFacility: 'LAB2' }), true],
    [LAB2, result({ sendingFacility: 'LAB1' }), false],
  ])('%j on %j → %s', (rule, message, expected) => {
    expect(compileRule(rule)(message)).toBe(expected);
  });

  it('names the rule when its SQL does not parse, keeping code and position', () => {
    const rule: RuleConfig = { name: 'broken', filter: { type: 'sql', sqlExpression: 'a = ' } };
    expect(() => compileRule(rule)).toThrow(
      expect.objectContaining({
        name: 'FilterError',
        code: 'SYNTAX_ERROR',
        position: 4,
        message:
          "rule 'broken': expected a property, a literal, EXISTS or ( but found the end of the filter at position 4",
      }),
    );
  });

  it('refuses a rule action, naming the feature', () => {
    const rule: RuleConfig = { ...ABNORMAL, actionSqlExpression: "SET flagged = 'yes'" };
    expect(() => compileRule(rule)).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_FEATURE',
        message: "rule 'abnormal': rule actions (SET, REMOVE) are not supported by this broker",
      }),
    );
  });

  it('ignores an empty action, as the emulator writes one', () => {
    expect(compileRule({ ...ABNORMAL, actionSqlExpression: '' })(result({ abnormal: true }))).toBe(
      true,
    );
  });

  it('names the rule when its correlation filter is empty', () => {
    const rule: RuleConfig = { name: 'empty', filter: { type: 'correlation' } };
    expect(() => compileRule(rule)).toThrow("rule 'empty': a correlation filter must state");
  });
});

describe('compileRules and matchesAny', () => {
  it.each([
    [[], result({}), true],
    [[ABNORMAL], result({}), false],
    [[ABNORMAL, LAB2], result({ abnormal: true }), true],
    [[ABNORMAL, LAB2], result({ sendingFacility: 'LAB2' }), true],
    [[ABNORMAL, LAB2], result({ sendingFacility: 'LAB1', abnormal: false }), false],
  ])('rules %j take %j: %s', (rules, message, expected) => {
    expect(compileRules(rules)(message)).toBe(expected);
    expect(matchesAny(rules, message)).toBe(expected);
  });

  it('refuses at compile time when any rule does not compile', () => {
    const broken: RuleConfig = { name: 'x', filter: { type: 'sql', sqlExpression: 'NOT' } };
    expect(() => compileRules([ABNORMAL, broken])).toThrow("rule 'x'");
    expect(() => matchesAny([broken], result({}))).toThrow("rule 'x'");
  });

  it('gives the same answers when it meets the same rule objects again', () => {
    const rules = [ABNORMAL];
    expect(matchesAny(rules, result({ abnormal: true }))).toBe(true);
    expect(matchesAny(rules, result({ abnormal: false }))).toBe(false);
    expect(matchesAny(rules, result({ abnormal: true }))).toBe(true);
  });
});
