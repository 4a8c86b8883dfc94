/**
 * Message status records (DESIGN "Message status"): one per gateway id, with its current
 * status and the history of every step and its time, so the gateway can always say where
 * a message is.
 *
 * The lifecycle is `received → queued → processed → delivered`, or `rejected`, or
 * `dead-lettered → replayed`. Steps come from different functions and can arrive late
 * (the processor may finish before ingest records `queued`), so a step that lies *behind*
 * the current status is kept in the history without moving the status back; only a step
 * on no path from the current status is refused.
 */
import { systemClock, type Clock } from './clock.js';
import { isPlatformError, PlatformError } from './errors.js';
import { definedOnly, DEFAULT_TABLE_NAMES, Table, type StoredEntity } from './table-store.js';
import type { StorageConnection } from './config.js';
import type { StorageRetry } from './credential.js';

/** The statuses of a message, in lifecycle order. */
export const MESSAGE_STATUSES = [
  'received',
  'queued',
  'processed',
  'delivered',
  'rejected',
  'dead-lettered',
  'replayed',
] as const;

/** One of `MESSAGE_STATUSES`. */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Which statuses may follow which. Repeating the current status is always allowed. */
export const STATUS_TRANSITIONS: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  received: ['queued', 'rejected'],
  queued: ['processed', 'rejected', 'dead-lettered'],
  processed: ['delivered', 'dead-lettered'],
  delivered: ['dead-lettered'],
  rejected: ['dead-lettered'],
  'dead-lettered': ['replayed'],
  replayed: [],
};

/** One step of a message's history. */
export interface StatusStep {
  /** The status entered. */
  status: MessageStatus;
  /** When, ISO 8601 UTC. */
  at: string;
  /** A code or id explaining the step (`VALIDATION_FAILED`, a replay's gateway id); never PHI. */
  detail?: string;
}

/** Facts about a message that status queries show; ids and MSH header fields, never PHI. */
export interface StatusFacts {
  /** The batch the message arrived in. */
  batchId?: string;
  /** MSH-9. */
  messageType?: string;
  /** MSH-4. */
  sendingFacility?: string;
  /** MSH-10. */
  controlId?: string;
  /** The authenticated client that sent it. */
  clientId?: string;
}

/** A message's status record. */
export interface StatusRecord extends StatusFacts {
  /** The gateway id. */
  id: string;
  /** The furthest status reached. */
  status: MessageStatus;
  /** Every step in the order it was recorded. */
  history: StatusStep[];
  /** When the record was created, ISO 8601 UTC. */
  createdAt: string;
  /** When it last changed, ISO 8601 UTC. */
  updatedAt: string;
}

interface StatusEntity extends StatusFacts {
  status: MessageStatus;
  history: string;
  createdAt: string;
  updatedAt: string;
}

const ROW_KEY = 'status';
const MAX_ATTEMPTS = 5;
// Keeps the history column well inside a table property's 64 KiB limit.
const MAX_HISTORY_STEPS = 100;

/** Options for `StatusStore.fromConnection`. */
export interface StatusStoreOptions {
  /** The table name; `DEFAULT_TABLE_NAMES.status` when absent. */
  tableName?: string;
  /** How hard to retry storage. */
  retry?: StorageRetry;
  /** Where step times come from. */
  clock?: Clock;
}

/** Options for `StatusStore.transition`. */
export interface TransitionOptions {
  /**
   * The record as this store's `get` returned it a moment ago. The first attempt writes over
   * that version instead of reading the record again; if it changed since, the write loses
   * on its etag and the step is retried from a fresh read, as any concurrent update is.
   */
  current?: StatusRecord;
}

/** Reads and advances message status records. Every method throws `PlatformError`. */
export class StatusStore {
  readonly #table: Table;
  readonly #clock: Clock;
  // The etag each record returned by `get` was read with, kept off the record itself, which
  // the status API serialises.
  readonly #etags = new WeakMap<StatusRecord, string>();

  /** Wraps a table; prefer `fromConnection`. */
  constructor(table: Table, clock: Clock = systemClock) {
    this.#table = table;
    this.#clock = clock;
  }

  /** A store in the configured storage account. */
  static fromConnection(storage: StorageConnection, options: StatusStoreOptions = {}) {
    const name = options.tableName ?? DEFAULT_TABLE_NAMES.status;
    return new StatusStore(Table.fromConnection(storage, name, options.retry), options.clock);
  }

  /** The record for a gateway id, or undefined when there is none. */
  async get(id: string): Promise<StatusRecord | undefined> {
    const entity = await this.#table.get<StatusEntity>(id, ROW_KEY);
    if (entity === undefined) return undefined;
    const record = toRecord(entity);
    this.#etags.set(record, entity.etag);
    return record;
  }

  /**
   * Creates the record of a message just received, with its first step. Throws
   * `PlatformError` `CONFLICT` when the id already has a record.
   */
  async create(id: string, facts: StatusFacts = {}, detail?: string): Promise<StatusRecord> {
    const at = this.#clock.now().toISOString();
    const entity: StatusEntity = {
      ...definedOnly(facts),
      status: 'received',
      history: JSON.stringify([step('received', at, detail)]),
      createdAt: at,
      updatedAt: at,
    };

    await this.#table.create({ partitionKey: id, rowKey: ROW_KEY, ...entity });
    return toRecord({ partitionKey: id, rowKey: ROW_KEY, etag: '', ...entity });
  }

  /**
   * Records a step. The status moves forward when `status` follows the current one; a
   * late step that lies behind it is only added to the history. Retries on concurrent
   * updates (etags). Throws `PlatformError` `NOT_FOUND` for an unknown id,
   * `INVALID_TRANSITION` for a step on no path from the current status, and `CONFLICT`
   * when concurrent writers keep winning.
   */
  async transition(
    id: string,
    status: MessageStatus,
    detail?: string,
    options: TransitionOptions = {},
  ): Promise<StatusRecord> {
    let known = this.#known(id, options.current);
    for (let attempt = 1; ; attempt++) {
      let record: StatusRecord;
      let etag: string;
      const fromKnown = known !== undefined;
      if (known !== undefined) {
        ({ record, etag } = known);
        known = undefined;
      } else {
        const entity = await this.#table.get<StatusEntity>(id, ROW_KEY);
        if (entity === undefined) {
          throw new PlatformError('NOT_FOUND', `no status record for ${id}`);
        }
        record = toRecord(entity);
        etag = entity.etag;
      }

      const next = advance(record.status, status);
      // A refusal is judged on a fresh read: the record handed in may be behind the store's.
      if (next === undefined && fromKnown) continue;
      if (next === undefined) {
        throw new PlatformError(
          'INVALID_TRANSITION',
          `status of ${id} cannot go from ${record.status} to ${status}`,
        );
      }
      const at = this.#clock.now().toISOString();
      const history = capped([...record.history, step(status, at, detail)]);
      const updated: StatusEntity = {
        ...definedOnly(factsOf(record)),
        status: next,
        history: JSON.stringify(history),
        createdAt: record.createdAt,
        updatedAt: at,
      };

      try {
        await this.#table.replace({ partitionKey: id, rowKey: ROW_KEY, ...updated }, etag);
        return { ...record, status: next, history, updatedAt: at };
      } catch (error) {
        const lostRace = isPlatformError(error) && error.code === 'CONFLICT';
        if (!lostRace || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** `current` with the etag it was read with, when this store read it for `id`. */
  #known(
    id: string,
    current: StatusRecord | undefined,
  ): { record: StatusRecord; etag: string } | undefined {
    const etag = current === undefined ? undefined : this.#etags.get(current);
    if (current === undefined || etag === undefined || current.id !== id) return undefined;
    return { record: current, etag };
  }
}

/**
 * The status after recording `target` on a message at `current`: `target` when it lies
 * ahead (or repeats), `current` when it lies behind, undefined when neither.
 */
export function advance(current: MessageStatus, target: MessageStatus): MessageStatus | undefined {
  if (current === target || reachable(current, target)) return target;
  if (reachable(target, current)) return current;
  return undefined;
}

function reachable(from: MessageStatus, to: MessageStatus): boolean {
  const pending = [...STATUS_TRANSITIONS[from]];
  const seen = new Set<MessageStatus>();
  while (pending.length > 0) {
    const status = pending.pop() as MessageStatus;
    if (status === to) return true;
    if (seen.has(status)) continue;
    seen.add(status);
    pending.push(...STATUS_TRANSITIONS[status]);
  }
  return false;
}

function step(status: MessageStatus, at: string, detail: string | undefined): StatusStep {
  return detail === undefined ? { status, at } : { status, at, detail };
}

/** Keeps the first step and the latest ones when a redelivery loop grows the history. */
function capped(history: StatusStep[]): StatusStep[] {
  if (history.length <= MAX_HISTORY_STEPS) return history;
  return [history[0] as StatusStep, ...history.slice(-(MAX_HISTORY_STEPS - 1))];
}

function toRecord(entity: StoredEntity<StatusEntity>): StatusRecord {
  return {
    id: entity.partitionKey as string,
    status: entity.status,
    history: JSON.parse(entity.history) as StatusStep[],
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
    ...factsOf(entity),
  };
}

function factsOf(source: StatusFacts): StatusFacts {
  return definedOnly({
    batchId: source.batchId,
    messageType: source.messageType,
    sendingFacility: source.sendingFacility,
    controlId: source.controlId,
    clientId: source.clientId,
  });
}
