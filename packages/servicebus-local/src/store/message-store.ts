/**
 * The broker's durable store: every change to messages, sequence numbers, duplicate-detection
 * history and session state, written to SQLite in group commits.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type Database from 'better-sqlite3';

import type { BrokerMessage, MessageState } from '../entities/broker-message.js';
import { openDatabase } from './schema.js';

/** What the store held when it was opened: the state to rebuild the entities from. */
export interface StoredState {
  /** All messages, ordered by entity and sequence number. */
  readonly messages: BrokerMessage[];
  /** The last sequence number handed out per entity. */
  readonly lastSequenceNumbers: ReadonlyMap<string, number>;
  /** Message ids seen per entity, with when, for duplicate detection. */
  readonly messageIds: ReadonlyArray<{ entity: string; messageId: string; seenAtMs: number }>;
  /** Session state per entity and session id. */
  readonly sessionStates: ReadonlyArray<{ entity: string; sessionId: string; state: Buffer }>;
}

interface MessageRow {
  entity: string;
  sequence_number: number;
  enqueued_at_ms: number;
  message_id: string;
  session_id: string | null;
  state: MessageState;
  scheduled_at_ms: number | null;
  expires_at_ms: number | null;
  delivery_count: number;
  payload: Buffer;
}

type Write = () => void;

/**
 * Writes are staged in memory and committed together in one transaction on the next turn of
 * the event loop; each staging call returns a promise that settles once its write is durable.
 * A write that fails rejects every promise of its group commit.
 */
export class MessageStore {
  private readonly db: Database.Database;
  private staged: Write[] = [];
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushScheduled = false;
  private readonly statements;

  private constructor(db: Database.Database) {
    this.db = db;
    this.statements = {
      insert: db.prepare(
        `INSERT INTO messages (entity, sequence_number, enqueued_at_ms, message_id, session_id,
           state, scheduled_at_ms, expires_at_ms, delivery_count, payload)
         VALUES (@entity, @sequence_number, @enqueued_at_ms, @message_id, @session_id,
           @state, @scheduled_at_ms, @expires_at_ms, @delivery_count, @payload)`,
      ),
      update: db.prepare(
        `UPDATE messages SET state = ?, scheduled_at_ms = ?, delivery_count = ?, payload = ?
         WHERE entity = ? AND sequence_number = ?`,
      ),
      remove: db.prepare('DELETE FROM messages WHERE entity = ? AND sequence_number = ?'),
      sequence: db.prepare(
        `INSERT INTO sequences (entity, last_sequence_number) VALUES (?, ?)
         ON CONFLICT (entity) DO UPDATE SET
           last_sequence_number = max(last_sequence_number, excluded.last_sequence_number)`,
      ),
      rememberId: db.prepare(
        `INSERT INTO message_ids (entity, message_id, seen_at_ms) VALUES (?, ?, ?)
         ON CONFLICT (entity, message_id) DO UPDATE SET seen_at_ms = excluded.seen_at_ms`,
      ),
      forgetIds: db.prepare('DELETE FROM message_ids WHERE entity = ? AND seen_at_ms < ?'),
      setSession: db.prepare(
        `INSERT INTO session_states (entity, session_id, state) VALUES (?, ?, ?)
         ON CONFLICT (entity, session_id) DO UPDATE SET state = excluded.state`,
      ),
      clearSession: db.prepare('DELETE FROM session_states WHERE entity = ? AND session_id = ?'),
    };
  }

  /**
   * Opens the store in `dataDir` (created when missing), file `servicebus-local.sqlite`.
   * @throws Error when the directory cannot be created or the database cannot be opened,
   *   among others because another broker holds it.
   */
  static open(dataDir: string): MessageStore {
    mkdirSync(dataDir, { recursive: true });
    return new MessageStore(openDatabase(join(dataDir, 'servicebus-local.sqlite')));
  }

  /** Reads everything the store holds. Call once, before any write. */
  load(): StoredState {
    const rows = this.db
      .prepare('SELECT * FROM messages ORDER BY entity, sequence_number')
      .all() as MessageRow[];
    const sequences = this.db.prepare('SELECT * FROM sequences').all() as Array<{
      entity: string;
      last_sequence_number: number;
    }>;
    const ids = this.db.prepare('SELECT * FROM message_ids').all() as Array<{
      entity: string;
      message_id: string;
      seen_at_ms: number;
    }>;
    const sessions = this.db.prepare('SELECT * FROM session_states').all() as Array<{
      entity: string;
      session_id: string;
      state: Buffer;
    }>;

    return {
      messages: rows.map(fromRow),
      lastSequenceNumbers: new Map(sequences.map((s) => [s.entity, s.last_sequence_number])),
      messageIds: ids.map((i) => ({
        entity: i.entity,
        messageId: i.message_id,
        seenAtMs: i.seen_at_ms,
      })),
      sessionStates: sessions.map((s) => ({
        entity: s.entity,
        sessionId: s.session_id,
        state: s.state,
      })),
    };
  }

  /** Stores a new message and advances its entity's sequence number. */
  insert(message: BrokerMessage): Promise<void> {
    return this.stage(() => {
      this.statements.insert.run(toRow(message));
      this.statements.sequence.run(message.entity, message.sequenceNumber);
    });
  }

  /** Stores a message's changed state, schedule, delivery count or payload. */
  update(message: BrokerMessage): Promise<void> {
    const { state, scheduledAtMs, deliveryCount, payload, entity, sequenceNumber } = message;
    return this.stage(() => {
      this.statements.update.run(
        state,
        scheduledAtMs ?? null,
        deliveryCount,
        payload,
        entity,
        sequenceNumber,
      );
    });
  }

  /** Deletes a message: completed, received in receive-and-delete mode, expired, or moved. */
  remove(entity: string, sequenceNumber: number): Promise<void> {
    return this.stage(() => {
      this.statements.remove.run(entity, sequenceNumber);
    });
  }

  /** Records that `messageId` was accepted by `entity` at `seenAtMs`. */
  rememberMessageId(entity: string, messageId: string, seenAtMs: number): Promise<void> {
    return this.stage(() => {
      this.statements.rememberId.run(entity, messageId, seenAtMs);
    });
  }

  /** Drops the duplicate-detection history of `entity` older than `beforeMs`. */
  forgetMessageIds(entity: string, beforeMs: number): Promise<void> {
    return this.stage(() => {
      this.statements.forgetIds.run(entity, beforeMs);
    });
  }

  /** Stores a session's state; `undefined` clears it. */
  setSessionState(entity: string, sessionId: string, state: Buffer | undefined): Promise<void> {
    return this.stage(() => {
      if (state === undefined) this.statements.clearSession.run(entity, sessionId);
      else this.statements.setSession.run(entity, sessionId, state);
    });
  }

  /** Commits what is staged and closes the database. */
  close(): void {
    this.flush();
    this.db.close();
  }

  private stage(write: Write): Promise<void> {
    this.staged.push(write);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return done;
  }

  private flush(): void {
    this.flushScheduled = false;
    const writes = this.staged;
    const waiters = this.waiters;
    this.staged = [];
    this.waiters = [];
    if (writes.length === 0 || !this.db.open) return;

    try {
      this.db.transaction(() => writes.forEach((write) => write()))();
    } catch (error) {
      waiters.forEach((w) => w.reject(error));
      return;
    }
    waiters.forEach((w) => w.resolve());
  }
}

function toRow(m: BrokerMessage): MessageRow {
  return {
    entity: m.entity,
    sequence_number: m.sequenceNumber,
    enqueued_at_ms: m.enqueuedAtMs,
    message_id: m.messageId,
    session_id: m.sessionId ?? null,
    state: m.state,
    scheduled_at_ms: m.scheduledAtMs ?? null,
    expires_at_ms: m.expiresAtMs ?? null,
    delivery_count: m.deliveryCount,
    payload: m.payload,
  };
}

function fromRow(row: MessageRow): BrokerMessage {
  return {
    entity: row.entity,
    sequenceNumber: row.sequence_number,
    enqueuedAtMs: row.enqueued_at_ms,
    messageId: row.message_id,
    sessionId: row.session_id ?? undefined,
    state: row.state,
    scheduledAtMs: row.scheduled_at_ms ?? undefined,
    expiresAtMs: row.expires_at_ms ?? undefined,
    deliveryCount: row.delivery_count,
    payload: row.payload,
  };
}
