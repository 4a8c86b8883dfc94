/**
 * The duplicate index: which gateway id a message identity (the bus `messageId`, a hash of
 * MSH-3, MSH-4 and MSH-10) was given, so a resubmission is answered with the first
 * submission's id instead of a new id whose status would stay `queued` for ever (the bus
 * drops the resent copy, so nothing would ever process it).
 *
 * A claim holds for the duplicate window, the same span the inbound queue's duplicate
 * detection remembers message ids; after it, the identity may be claimed afresh, as the bus
 * would then accept the message again. Claims are rows in one table, inserted with
 * insert-if-absent, so two concurrent submissions agree on one id.
 */
import {
  isPlatformError,
  PlatformError,
  Table,
  type Clock,
  type StorageConnection,
  type StorageRetry,
} from '@hl7gw/platform';

/** The table claims live in (letters and digits only, as Azure asks). */
export const CLAIMS_TABLE = 'hl7gwMessageKeys';

const ROW_KEY = 'claim';
const MAX_ATTEMPTS = 3;

/** The outcome of a claim. */
export interface Claim {
  /** The gateway id that owns the message identity. */
  id: string;
  /** True when the caller's id won; false when an earlier submission holds the identity. */
  fresh: boolean;
}

interface ClaimEntity {
  gatewayId: string;
  claimedAt: string;
}

/** Claims message identities for gateway ids. Every method throws `PlatformError`. */
export class MessageClaims {
  readonly #table: Table;
  readonly #clock: Clock;
  readonly #windowMs: number;

  /** Wraps a table; prefer `fromConnection`. */
  constructor(table: Table, clock: Clock, windowMs: number) {
    this.#table = table;
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  /** Claims in the configured storage account. */
  static fromConnection(
    storage: StorageConnection,
    options: { clock: Clock; windowMs: number; retry?: StorageRetry },
  ): MessageClaims {
    const table = Table.fromConnection(storage, CLAIMS_TABLE, options.retry);
    return new MessageClaims(table, options.clock, options.windowMs);
  }

  /**
   * Claims `messageId` for `id`, unless another id claimed it within the window. Throws
   * `PlatformError` when storage fails, `CONFLICT` when concurrent claims keep racing.
   */
  async claim(messageId: string, id: string): Promise<Claim> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const claimedAt = this.#clock.now().toISOString();
      const entity = { partitionKey: messageId, rowKey: ROW_KEY, gatewayId: id, claimedAt };
      try {
        await this.#table.create<ClaimEntity>(entity);
        return { id, fresh: true };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }

      const existing = await this.#table.get<ClaimEntity>(messageId, ROW_KEY);
      if (existing === undefined) continue;
      const ageMs = this.#clock.now().getTime() - Date.parse(existing.claimedAt);
      if (ageMs < this.#windowMs) return { id: existing.gatewayId, fresh: false };

      try {
        await this.#table.replace<ClaimEntity>(entity, existing.etag);
        return { id, fresh: true };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new PlatformError('CONFLICT', 'concurrent submissions kept racing for one message id');
  }
}

function isConflict(error: unknown): boolean {
  return isPlatformError(error) && error.code === 'CONFLICT';
}
