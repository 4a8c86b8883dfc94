/**
 * Blob storage for message content: the raw archive, claim checks for messages too large
 * for the bus, and the raw bytes of parked dead letters. One container, three prefixes:
 *
 * - `raw/YYYY/MM/DD/<id>.hl7`: every message as received, dated by receipt (UTC);
 * - `claims/<id>.hl7`: content that travels beside a bus message instead of inside it;
 * - `parked/<id>.hl7`: dead letters held for an operator.
 *
 * This store never logs: content is PHI, and errors carry only names and status codes.
 */
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

import type { StorageConnection } from './config.js';
import { azureCredential, DEFAULT_STORAGE_RETRY, type StorageRetry } from './credential.js';
import { PlatformError, toPlatformError } from './errors.js';
import { dependencySpan } from './telemetry/spans.js';

/** The container used when none is configured. */
export const DEFAULT_BLOB_CONTAINER = 'hl7gw-messages';

/** Where a piece of content lives; small enough to travel in a bus message body. */
export interface BlobRef {
  /** The container name. */
  container: string;
  /** The blob name within the container. */
  name: string;
  /** The content length in bytes. */
  sizeBytes: number;
}

/** Options for `BlobStore.fromConnection`. */
export interface BlobStoreOptions {
  /** The container to use; `DEFAULT_BLOB_CONTAINER` when absent. */
  container?: string;
  /** How hard to retry; `DEFAULT_STORAGE_RETRY` when absent. */
  retry?: StorageRetry;
}

/**
 * The message-content store. Every method throws `PlatformError` when storage fails, and
 * `RangeError` for an id that cannot be a blob name (letters, digits, `-`, `_`).
 */
export class BlobStore {
  readonly #container: ContainerClient;
  /** Creates the container once per store, on first write. */
  readonly #ensureContainer: () => Promise<void>;

  /** Wraps an existing client; prefer `fromConnection`. */
  constructor(service: BlobServiceClient, container: string = DEFAULT_BLOB_CONTAINER) {
    this.#container = service.getContainerClient(container);
    this.#ensureContainer = containerCreator(this.#container);
  }

  /** A store for the configured storage account (connection string or managed identity). */
  static fromConnection(storage: StorageConnection, options: BlobStoreOptions = {}): BlobStore {
    return new BlobStore(blobServiceClient(storage, options.retry), options.container);
  }

  /** Archives a message as received, under `raw/YYYY/MM/DD/<id>.hl7` by its receipt date. */
  putRaw(id: string, receivedAt: Date, content: string | Uint8Array): Promise<BlobRef> {
    return this.#put(rawBlobName(id, receivedAt), content);
  }

  /** Stores content that is too large for a bus message, under `claims/<id>.hl7`. */
  putClaimCheck(id: string, content: string | Uint8Array): Promise<BlobRef> {
    return this.#put(`claims/${safeId(id)}.hl7`, content);
  }

  /** Stores the raw bytes of a parked dead letter, under `parked/<id>.hl7`. */
  putParked(id: string, content: string | Uint8Array): Promise<BlobRef> {
    return this.#put(parkedBlobName(id), content);
  }

  /**
   * The content a reference points to. Throws `PlatformError` `NOT_FOUND` when the blob
   * does not exist, and `CONFLICT` when the reference names another container.
   */
  async get(ref: BlobRef | string): Promise<Buffer> {
    const name = this.#nameOf(ref);
    return this.#traced('download', async () => {
      try {
        return await this.#container.getBlockBlobClient(name).downloadToBuffer();
      } catch (error) {
        throw toPlatformError(error, 'storage');
      }
    });
  }

  /** The raw bytes of a parked dead letter. Throws `PlatformError` `NOT_FOUND` if absent. */
  getParked(id: string): Promise<Buffer> {
    return this.get(parkedBlobName(id));
  }

  /** Deletes the content a reference points to; true when it existed. */
  async delete(ref: BlobRef | string): Promise<boolean> {
    const name = this.#nameOf(ref);
    return this.#traced('delete', async () => {
      try {
        const response = await this.#container.getBlockBlobClient(name).deleteIfExists();
        return response.succeeded;
      } catch (error) {
        throw toPlatformError(error, 'storage');
      }
    });
  }

  /** Deletes a parked dead letter's bytes (a purge); true when they existed. */
  deleteParked(id: string): Promise<boolean> {
    return this.delete(parkedBlobName(id));
  }

  async #put(name: string, content: string | Uint8Array): Promise<BlobRef> {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await this.#traced('upload', async () => {
      await this.#ensureContainer();
      try {
        await this.#container.getBlockBlobClient(name).uploadData(bytes, {
          blobHTTPHeaders: { blobContentType: 'x-application/hl7-v2+er7' },
        });
      } catch (error) {
        throw toPlatformError(error, 'storage');
      }
    });
    return { container: this.#container.containerName, name, sizeBytes: bytes.byteLength };
  }

  /** Runs a storage call as a dependency span named after the operation and container. */
  #traced<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return dependencySpan('Azure blob', operation, this.#container.containerName, call);
  }

  #nameOf(ref: BlobRef | string): string {
    if (typeof ref === 'string') return ref;
    if (ref.container !== this.#container.containerName) {
      throw new PlatformError('CONFLICT', 'the blob reference names another container');
    }
    return ref.name;
  }
}

/**
 * A blob service client for the configured storage account (connection string or managed
 * identity), retrying as `retry` says. Makes no request until used.
 */
export function blobServiceClient(
  storage: StorageConnection,
  retry: StorageRetry = DEFAULT_STORAGE_RETRY,
): BlobServiceClient {
  const pipeline = {
    retryOptions: {
      maxTries: retry.maxRetries + 1,
      tryTimeoutInMs: retry.tryTimeoutMs,
      retryDelayInMs: retry.retryDelayMs,
      maxRetryDelayInMs: retry.retryDelayMs * 8,
    },
  };
  return storage.kind === 'connection-string'
    ? BlobServiceClient.fromConnectionString(storage.connectionString, pipeline)
    : new BlobServiceClient(storage.blobServiceUri, azureCredential(storage.clientId), pipeline);
}

/** The archive name of a message: `raw/YYYY/MM/DD/<id>.hl7`, dated in UTC. */
export function rawBlobName(id: string, receivedAt: Date): string {
  const date = receivedAt.toISOString().slice(0, 10).replaceAll('-', '/');
  return `raw/${date}/${safeId(id)}.hl7`;
}

/** The name of a parked dead letter's bytes: `parked/<id>.hl7`. */
export function parkedBlobName(id: string): string {
  return `parked/${safeId(id)}.hl7`;
}

/** Ids become blob names, so they must not climb out of their prefix. */
function safeId(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) {
    throw new RangeError('an id used in a blob name must be 1-128 letters, digits, - or _');
  }
  return id;
}

/**
 * A function that creates `container` if it is missing, once: later calls share the first
 * call's outcome, except that a failure is forgotten so the next call tries again.
 */
export function containerCreator(container: ContainerClient): () => Promise<void> {
  let created: Promise<void> | undefined;
  return () => {
    created ??= container.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        created = undefined;
        throw toPlatformError(error, 'storage');
      },
    );
    return created;
  };
}
