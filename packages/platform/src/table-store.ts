/**
 * The shared adapter under the table-backed stores (status, batches, parked dead letters):
 * one `TableClient` per table, the table created on first use, etags surfaced for
 * optimistic concurrency, paging by continuation token, and every SDK failure turned into
 * a `PlatformError`.
 */
import {
  TableClient,
  type TableEntity,
  type TableEntityResult,
  type TableTransactionEntityResponse,
  type TransactionAction,
} from '@azure/data-tables';

import type { StorageConnection } from './config.js';
import { azureCredential, DEFAULT_STORAGE_RETRY, type StorageRetry } from './credential.js';
import { toPlatformError } from './errors.js';
import { dependencySpan } from './telemetry/spans.js';

/** The table names used when none are configured (letters and digits only, as Azure asks). */
export const DEFAULT_TABLE_NAMES = {
  status: 'hl7gwStatus',
  batches: 'hl7gwBatches',
  parked: 'hl7gwParked',
} as const;

/** An entity as read, with the etag to write it back with. */
export type StoredEntity<T extends object> = TableEntityResult<T> & { etag: string };

/** One page of a listing. */
export interface Page<T> {
  /** The items on this page, in the table's order. */
  items: T[];
  /** Pass to the next call for the following page; absent on the last page. */
  continuationToken?: string;
}

/** The largest number of operations one table transaction may hold. */
export const MAX_TRANSACTION_ACTIONS = 100;

/** One table. Every method throws `PlatformError` when storage fails. */
export class Table {
  readonly #client: TableClient;
  #created: Promise<void> | undefined;

  /** Wraps an existing client; prefer `Table.fromConnection`. */
  constructor(client: TableClient) {
    this.#client = client;
  }

  /**
   * A table in the configured storage account. Plain-HTTP endpoints (Azurite) are allowed
   * only for connection strings, which is how local development reaches them.
   */
  static fromConnection(
    storage: StorageConnection,
    tableName: string,
    retry: StorageRetry = DEFAULT_STORAGE_RETRY,
  ): Table {
    const options = {
      retryOptions: {
        maxRetries: retry.maxRetries,
        retryDelayInMs: retry.retryDelayMs,
        maxRetryDelayInMs: retry.retryDelayMs * 8,
      },
    };
    if (storage.kind === 'identity') {
      const credential = azureCredential(storage.clientId);
      return new Table(new TableClient(storage.tableServiceUri, tableName, credential, options));
    }
    const allowInsecureConnection = /(TableEndpoint=http:|UseDevelopmentStorage=true)/i.test(
      storage.connectionString,
    );
    return new Table(
      TableClient.fromConnectionString(storage.connectionString, tableName, {
        ...options,
        allowInsecureConnection,
      }),
    );
  }

  /** The table's name. */
  get name(): string {
    return this.#client.tableName;
  }

  /** The entity with these keys, or undefined when there is none. */
  async get<T extends object>(
    partitionKey: string,
    rowKey: string,
  ): Promise<StoredEntity<T> | undefined> {
    return this.#traced('get', async () => {
      await this.#ensure();
      try {
        return (await this.#client.getEntity<T>(partitionKey, rowKey)) as StoredEntity<T>;
      } catch (error) {
        const failure = toPlatformError(error, 'storage');
        if (failure.code === 'NOT_FOUND') return undefined;
        throw failure;
      }
    });
  }

  /** Inserts a new entity; throws `PlatformError` `CONFLICT` when its keys are taken. */
  async create<T extends object>(entity: TableEntity<T>): Promise<string> {
    return this.#traced('insert', async () => {
      await this.#ensure();
      try {
        const response = await this.#client.createEntity(entity);
        return response.etag ?? '';
      } catch (error) {
        throw toPlatformError(error, 'storage');
      }
    });
  }

  /**
   * Replaces an entity only if it still has `etag`; throws `PlatformError` `CONFLICT` when
   * someone else changed it first, and `NOT_FOUND` when it is gone.
   */
  async replace<T extends object>(entity: TableEntity<T>, etag: string): Promise<string> {
    return this.#traced('replace', async () => {
      await this.#ensure();
      try {
        const response = await this.#client.updateEntity(entity, 'Replace', { etag });
        return response.etag ?? '';
      } catch (error) {
        throw toPlatformError(error, 'storage');
      }
    });
  }

  /** Deletes an entity; true when it existed. */
  async delete(partitionKey: string, rowKey: string): Promise<boolean> {
    return this.#traced('delete', async () => {
      await this.#ensure();
      try {
        await this.#client.deleteEntity(partitionKey, rowKey);
        return true;
      } catch (error) {
        const failure = toPlatformError(error, 'storage');
        if (failure.code === 'NOT_FOUND') return false;
        throw failure;
      }
    });
  }

  /** Runs up to `MAX_TRANSACTION_ACTIONS` operations on one partition, all or none. */
  async transact(actions: TransactionAction[]): Promise<TableTransactionEntityResponse[]> {
    return this.#traced('transaction', async () => {
      await this.#ensure();
      try {
        const response = await this.#client.submitTransaction(actions);
        return response.subResponses;
      } catch (error) {
        throw toPlatformError(error, 'storage');
      }
    });
  }

  /**
   * One page of entities matching an OData `filter` (build it with `odata` from
   * `@azure/data-tables`, which escapes values), at most `pageSize` long.
   */
  async page<T extends object>(
    filter: string | undefined,
    pageSize: number,
    continuationToken?: string,
  ): Promise<Page<StoredEntity<T>>> {
    return this.#traced('query', async () => {
      await this.#ensure();
      try {
        const pages = this.#client
          .listEntities<T>(filter === undefined ? {} : { queryOptions: { filter } })
          .byPage({ maxPageSize: pageSize, ...(continuationToken ? { continuationToken } : {}) });
        const { value } = await pages.next();
        const items = (value ?? []) as StoredEntity<T>[];
        const next = (value as { continuationToken?: string } | undefined)?.continuationToken;
        return next ? { items: [...items], continuationToken: next } : { items: [...items] };
      } catch (error) {
        throw toPlatformError(error, 'storage');
      }
    });
  }

  /** Runs a storage call as a dependency span named after the operation and table. */
  #traced<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return dependencySpan('Azure table', operation, this.#client.tableName, call);
  }

  /** Creates the table once per instance, before its first operation. */
  #ensure(): Promise<void> {
    this.#created ??= this.#client.createTable().catch((error: unknown) => {
      this.#created = undefined;
      throw toPlatformError(error, 'storage');
    });
    return this.#created;
  }
}

/** A copy without undefined properties: table storage cannot store undefined, and absent is what it means. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
