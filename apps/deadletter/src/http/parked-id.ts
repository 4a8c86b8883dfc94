/**
 * The `{id}` route parameter of a parked dead letter. Parked ids are gateway ids, with a
 * subscription suffix for results; anything else cannot name one, and is answered 404
 * before it reaches storage (where it would be a malformed key or blob name).
 */
import type { HttpRequest } from '@azure/functions';
import { GatewayError } from '@hl7gw/platform';

const PARKED_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The parked id of the request. Throws `GatewayError` `NOT_FOUND` for one that cannot be. */
export function parkedIdParam(request: HttpRequest): string {
  const id = request.params.id ?? '';
  if (!PARKED_ID.test(id)) throw new GatewayError('NOT_FOUND', 'No parked dead letter has this id');
  return id;
}
