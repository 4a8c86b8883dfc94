/**
 * A page of parked dead letters that is as full as asked. Table storage may answer a
 * filtered query with a short (even empty) page and a continuation token; this keeps
 * asking for the rest, never for more than is still missing, so the token it hands back
 * resumes exactly after the last item returned.
 */
import type { ParkedQuery, ParkedRecord, ParkedStore } from '@hl7gw/platform';

/** A page of parked records and the token for the next one. */
export interface ParkedPage {
  /** Up to `limit` records, oldest first. */
  items: ParkedRecord[];
  /** Pass back as `next` for the following page; absent on the last page. */
  next?: string;
}

/** One page of up to `limit` records matching `query`, continuing from `next`. */
export async function listParked(
  parked: ParkedStore,
  query: ParkedQuery,
  limit: number,
  next?: string,
): Promise<ParkedPage> {
  const items: ParkedRecord[] = [];
  let token = next;

  do {
    const page = await parked.list(query, limit - items.length, token);
    items.push(...page.items);
    token = page.continuationToken;
  } while (token !== undefined && items.length < limit);

  return token === undefined ? { items } : { items, next: token };
}
