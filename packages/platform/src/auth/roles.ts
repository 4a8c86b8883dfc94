/**
 * The gateway's application roles (DESIGN "Security"), the same names as the app roles of
 * its Entra ID app registration, so a token's `roles` claim and an API key's configured
 * roles are read alike.
 */

/** Every role, each granting one family of routes. */
export const ROLES = [
  'Results.Submit',
  'Results.Read',
  'DeadLetters.Manage',
  'Reports.Read',
] as const;

/** One of `ROLES`. */
export type Role = (typeof ROLES)[number];

/** True when `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
