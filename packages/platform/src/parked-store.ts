/**
 * Parked dead letters: the record the deadletter app keeps of every failed message it
 * takes off a dead-letter queue, for operators to list, replay and purge. The raw bytes
 * live in blob storage (`parked/<id>.hl7`); this record holds only the category, the
 * reason and MSH header facts, never content.
 *
 * One row per gateway id, so a listing comes back in arrival order (ids are ULIDs).
 */
import { odata } from '@azure/data-tables';

import type { StorageConnection } from './config.js';
import type { StorageRetry } from './credential.js';
import type { DeadLetterCategory } from './dead-letter-category.js';
import { isPlatformError, PlatformError } from './errors.js';
import {
  DEFAULT_TABLE_NAMES,
  Table,
  type Page,
  type StoredEntity,
  definedOnly,
} from './table-store.js';

/** Whether a parked message is still waiting or has been replayed. */
export type ParkedState = 'parked' | 'replayed';

/** A parked dead letter. */
export interface ParkedRecord {
  /** The gateway id of the failed message. */
  id: string;
  /** Its dead-letter category. */
  category: DeadLetterCategory;
  /** The coded reason, such as a validation code or `MaxDeliveryCountExceeded`. */
  reason: string;
  /** A description of the failure; codes and locations, never content. */
  description?: string;
  /** The entity it was dead-lettered from: `hl7-inbound` or `hl7-results/subscriptions/<name>`. */
  sourceEntity: string;
  /** MSH-9. */
  messageType: string;
  /** MSH-3. */
  sendingApplication: string;
  /** MSH-4. */
  sendingFacility: string;
  /** MSH-10. */
  controlId: string;
  /** When the bus dead-lettered it, ISO 8601 UTC. */
  deadLetteredAt: string;
  /** When it was parked, ISO 8601 UTC. */
  parkedAt: string;
  /** How many times the bus had delivered it. */
  deliveryCount: number;
  /** How many times it had been replayed before failing this time. */
  replayCount: number;
  /** Where its raw bytes are, within the message container. */
  blobName: string;
  /** Waiting, or replayed. */
  state: ParkedState;
  /** The gateway id of the replay, once replayed. */
  replayedAs?: string;
  /** When it was replayed, ISO 8601 UTC. */
  replayedAt?: string;
}

/** What to list; every field narrows the listing, absent fields do not. */
export interface ParkedQuery {
  /** Only this category. */
  category?: DeadLetterCategory;
  /** Only this MSH-9. */
  messageType?: string;
  /** Only this MSH-3. */
  sendingApplication?: string;
  /** Only this MSH-4. */
  sendingFacility?: string;
  /** Only this state. */
  state?: ParkedState;
  /** Dead-lettered at or after this time. */
  from?: Date;
  /** Dead-lettered before this time. */
  to?: Date;
}

type ParkedEntity = Omit<ParkedRecord, 'id' | 'deadLetteredAt'> & { deadLetteredAt: Date };

const ROW_KEY = 'parked';
const MAX_PAGE_SIZE = 1_000;

/** Stores parked dead letters. Every method throws `PlatformError` when storage fails. */
export class ParkedStore {
  readonly #table: Table;

  /** Wraps a table; prefer `fromConnection`. */
  constructor(table: Table) {
    this.#table = table;
  }

  /** A store in the configured storage account. */
  static fromConnection(
    storage: StorageConnection,
    options: { tableName?: string; retry?: StorageRetry } = {},
  ): ParkedStore {
    const name = options.tableName ?? DEFAULT_TABLE_NAMES.parked;
    return new ParkedStore(Table.fromConnection(storage, name, options.retry));
  }

  /**
   * Parks a record. Idempotent: parking an id that is already parked returns the stored
   * record unchanged, because a dead-letter trigger can be delivered twice.
   */
  async park(record: ParkedRecord): Promise<ParkedRecord> {
    const { id, deadLetteredAt, ...rest } = record;
    const entity = { ...definedOnly(rest), deadLetteredAt: new Date(deadLetteredAt) };

    try {
      await this.#table.create<ParkedEntity>({ partitionKey: id, rowKey: ROW_KEY, ...entity });
      return record;
    } catch (error) {
      if (!isPlatformError(error) || error.code !== 'CONFLICT') throw error;
      const existing = await this.get(id);
      if (existing === undefined) throw error;
      return existing;
    }
  }

  /** The parked record of a gateway id, or undefined. */
  async get(id: string): Promise<ParkedRecord | undefined> {
    const entity = await this.#table.get<ParkedEntity>(id, ROW_KEY);
    return entity === undefined ? undefined : toRecord(entity);
  }

  /**
   * One page of parked records matching `query`, oldest first. Pass the returned
   * `continuationToken` back for the next page. Throws `RangeError` for a page size
   * outside 1-1000.
   */
  async list(
    query: ParkedQuery = {},
    pageSize = 100,
    continuationToken?: string,
  ): Promise<Page<ParkedRecord>> {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }

    const page = await this.#table.page<ParkedEntity>(
      filterFor(query),
      pageSize,
      continuationToken,
    );
    const items = page.items.map(toRecord);
    return page.continuationToken === undefined
      ? { items }
      : { items, continuationToken: page.continuationToken };
  }

  /**
   * Marks a parked record replayed as `replayId`. Throws `PlatformError` `NOT_FOUND` when
   * it is not parked, and `CONFLICT` when it was replayed already or changed meanwhile,
   * so two operators cannot replay one message twice.
   */
  async markReplayed(id: string, replayId: string, at: Date): Promise<ParkedRecord> {
    const entity = await this.#table.get<ParkedEntity>(id, ROW_KEY);
    if (entity === undefined) throw new PlatformError('NOT_FOUND', `${id} is not parked`);
    if (entity.state === 'replayed') {
      throw new PlatformError('CONFLICT', `${id} was already replayed`);
    }

    const record = toRecord(entity);
    const replayed: ParkedRecord = {
      ...record,
      state: 'replayed',
      replayedAs: replayId,
      replayedAt: at.toISOString(),
    };
    const { id: _id, deadLetteredAt, ...rest } = replayed;
    await this.#table.replace<ParkedEntity>(
      { partitionKey: id, rowKey: ROW_KEY, ...rest, deadLetteredAt: new Date(deadLetteredAt) },
      entity.etag,
    );
    return replayed;
  }

  /** Removes a parked record (a purge); true when it existed. */
  remove(id: string): Promise<boolean> {
    return this.#table.delete(id, ROW_KEY);
  }
}

function filterFor(query: ParkedQuery): string | undefined {
  const clauses = [
    query.category === undefined ? undefined : odata`category eq ${query.category}`,
    query.messageType === undefined ? undefined : odata`messageType eq ${query.messageType}`,
    query.sendingApplication === undefined
      ? undefined
      : odata`sendingApplication eq ${query.sendingApplication}`,
    query.sendingFacility === undefined
      ? undefined
      : odata`sendingFacility eq ${query.sendingFacility}`,
    query.state === undefined ? undefined : odata`state eq ${query.state}`,
    query.from === undefined ? undefined : odata`deadLetteredAt ge ${query.from}`,
    query.to === undefined ? undefined : odata`deadLetteredAt lt ${query.to}`,
  ].filter((clause): clause is string => clause !== undefined);
  return clauses.length === 0 ? undefined : clauses.join(' and ');
}

function toRecord(entity: StoredEntity<ParkedEntity>): ParkedRecord {
  // Picked one by one: the service adds its own metadata properties to what it returns.
  return definedOnly({
    id: entity.partitionKey as string,
    category: entity.category,
    reason: entity.reason,
    description: entity.description,
    sourceEntity: entity.sourceEntity,
    messageType: entity.messageType,
    sendingApplication: entity.sendingApplication,
    sendingFacility: entity.sendingFacility,
    controlId: entity.controlId,
    deadLetteredAt: new Date(entity.deadLetteredAt).toISOString(),
    parkedAt: entity.parkedAt,
    deliveryCount: entity.deliveryCount,
    replayCount: entity.replayCount,
    blobName: entity.blobName,
    state: entity.state,
    replayedAs: entity.replayedAs,
    replayedAt: entity.replayedAt,
  });
}
