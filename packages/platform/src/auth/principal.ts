/**
 * Who is calling, once authenticated: an API-key client or an Entra ID principal, with
 * the roles it holds and the sending facilities (MSH-4) it may submit for.
 */
import { GatewayError } from '../gateway-error.js';
import type { Role } from './roles.js';

/** Every facility: the development key and clients configured with `"*"`. */
export const ALL_FACILITIES = '*';

/** An authenticated caller. */
export interface Principal {
  /** How it proved who it is. */
  readonly scheme: 'api-key' | 'entra';
  /** The client id of an API key, or the object id (`oid`) of an Entra principal. */
  readonly id: string;
  /** The roles it holds. */
  readonly roles: ReadonlySet<Role>;
  /** The MSH-4 facilities it may submit for, or `ALL_FACILITIES`. */
  readonly facilities: ReadonlySet<string> | typeof ALL_FACILITIES;
}

/** True when `principal` holds at least one of `roles`. */
export function holdsAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.some((role) => principal.roles.has(role));
}

/** True when `principal` may submit messages whose MSH-4 (namespace id) is `facility`. */
export function mayActFor(principal: Principal, facility: string): boolean {
  if (principal.facilities === ALL_FACILITIES) return true;
  return principal.facilities.has(facility);
}

/**
 * Refuses a submission for a facility the caller does not own.
 * @throws GatewayError `FACILITY_NOT_ALLOWED` (403), naming MSH-4 as the location and
 *   never the facility itself.
 */
export function requireFacility(principal: Principal, facility: string): void {
  if (mayActFor(principal, facility)) return;
  throw new GatewayError(
    'FACILITY_NOT_ALLOWED',
    'The credentials do not cover the sending facility in MSH-4',
    { location: 'MSH-4' },
  );
}
