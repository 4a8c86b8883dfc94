/**
 * Collects validation findings, giving each the severity its profile assigns and the
 * table 0357 condition its code maps to.
 */
import type { ValidationProfile } from './profiles.js';
import { VALIDATION_CONDITIONS, type ValidationCode } from './validation-codes.js';
import type { ValidationIssue } from './validation-issue.js';

/** The findings of one validation run, in the order the rules raised them. */
export class Findings {
  private readonly profile: ValidationProfile;
  private readonly list: ValidationIssue[] = [];

  /** Starts an empty list whose severities come from `profile`. */
  constructor(profile: ValidationProfile) {
    this.profile = profile;
  }

  /**
   * Records a finding. `field` (`OBX-3`, without occurrence) lets an essential field's
   * `REQUIRED_FIELD_MISSING` stay an error whatever the profile's severity for the code.
   */
  add(code: ValidationCode, location: string, message: string, field?: string): void {
    const essential =
      code === 'REQUIRED_FIELD_MISSING' &&
      field !== undefined &&
      this.profile.essentialFields.has(field);

    this.list.push({
      code,
      severity: essential ? 'error' : this.profile.severities[code],
      location,
      message,
      condition: VALIDATION_CONDITIONS[code],
    });
  }

  /** The findings so far. */
  get issues(): readonly ValidationIssue[] {
    return this.list;
  }
}
