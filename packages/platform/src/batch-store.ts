/**
 * Batch records (DESIGN "Message status"): a batch submission gets a gateway id of its
 * own and a record listing its members' gateway ids in batch order, so the status of a
 * whole batch can be assembled from its members' records.
 *
 * One partition per batch: a header row, then one row per member. Rows rather than a list
 * in one column, because a table property holds at most 64 KiB and batches can hold
 * thousands of messages; the rows are written in transactions of up to 100.
 */
import { odata, type TransactionAction } from '@azure/data-tables';

import type { StorageConnection } from './config.js';
import type { StorageRetry } from './credential.js';
import { PlatformError } from './errors.js';
import { DEFAULT_TABLE_NAMES, MAX_TRANSACTION_ACTIONS, Table } from './table-store.js';

/** A batch and its members. */
export interface BatchRecord {
  /** The batch's gateway id. */
  batchId: string;
  /** When the batch was received, ISO 8601 UTC. */
  receivedAt: string;
  /** The authenticated client that sent it. */
  clientId: string;
  /** The members' gateway ids, in batch order. */
  memberIds: string[];
}

interface HeaderEntity {
  receivedAt: string;
  clientId: string;
  memberCount: number;
}

interface MemberEntity {
  memberId: string;
}

const HEADER_ROW = 'batch';
const MEMBER_PAGE_SIZE = 1_000;

/** Stores batch records. Every method throws `PlatformError` when storage fails. */
export class BatchStore {
  readonly #table: Table;

  /** Wraps a table; prefer `fromConnection`. */
  constructor(table: Table) {
    this.#table = table;
  }

  /** A store in the configured storage account. */
  static fromConnection(
    storage: StorageConnection,
    options: { tableName?: string; retry?: StorageRetry } = {},
  ): BatchStore {
    const name = options.tableName ?? DEFAULT_TABLE_NAMES.batches;
    return new BatchStore(Table.fromConnection(storage, name, options.retry));
  }

  /**
   * Records a batch and its members. The header is written last, so a batch whose write
   * failed part-way is invisible to `get`, and writing it again completes it. Throws
   * `PlatformError` `CONFLICT` when the batch is already recorded.
   */
  async create(record: BatchRecord): Promise<void> {
    if ((await this.#table.get<HeaderEntity>(record.batchId, HEADER_ROW)) !== undefined) {
      throw new PlatformError('CONFLICT', `batch ${record.batchId} is already recorded`);
    }

    const members: TransactionAction[] = record.memberIds.map((memberId, index) => [
      'upsert',
      { partitionKey: record.batchId, rowKey: memberRowKey(index), memberId },
    ]);
    for (let start = 0; start < members.length; start += MAX_TRANSACTION_ACTIONS) {
      await this.#table.transact(members.slice(start, start + MAX_TRANSACTION_ACTIONS));
    }

    await this.#table.create<HeaderEntity>({
      partitionKey: record.batchId,
      rowKey: HEADER_ROW,
      receivedAt: record.receivedAt,
      clientId: record.clientId,
      memberCount: record.memberIds.length,
    });
  }

  /** The batch with its members in order, or undefined when there is none. */
  async get(batchId: string): Promise<BatchRecord | undefined> {
    const header = await this.#table.get<HeaderEntity>(batchId, HEADER_ROW);
    if (header === undefined) return undefined;

    const memberIds: string[] = [];
    const filter = odata`PartitionKey eq ${batchId} and RowKey ge 'm' and RowKey lt 'n'`;
    let continuationToken: string | undefined;
    do {
      const page = await this.#table.page<MemberEntity>(
        filter,
        MEMBER_PAGE_SIZE,
        continuationToken,
      );
      memberIds.push(...page.items.map((item) => item.memberId));
      continuationToken = page.continuationToken;
    } while (continuationToken !== undefined);

    return {
      batchId,
      receivedAt: header.receivedAt,
      clientId: header.clientId,
      memberIds: memberIds.slice(0, header.memberCount),
    };
  }
}

/** Zero-padded so row keys sort in batch order. */
function memberRowKey(index: number): string {
  return `m${String(index).padStart(6, '0')}`;
}
