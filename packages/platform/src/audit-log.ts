/**
 * The audit log: append-only, hash-chained JSON lines in Azure append blobs, one blob per
 * writing instance per UTC day (`audit/YYYY/MM/DD/<instance>.jsonl`), so instances never
 * contend for a blob. Within an instance appends are serialised: entries that arrive while
 * an append is in flight are chained and written together in the next append block (a
 * group commit), so a burst of refusals costs one storage round trip per batch rather than
 * per entry. Each append is made on the condition that the blob still ends where this
 * writer thinks it does; a stranger's append in between is detected, the chain re-read,
 * and the entries re-linked. The line format is in `audit-entry.ts`; the verifier in
 * `audit-verify.ts`.
 *
 * This log never writes message content: entries carry ids and codes only.
 */
import { hostname } from 'node:os';

import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';

import { auditBlobName, formatAuditEntry, genesisHash, readAuditLine } from './audit-entry.js';
import type { AuditEvent, AuditWriter } from './audit-writer.js';
import { blobServiceClient, containerCreator } from './blob-store.js';
import { systemClock, type Clock } from './clock.js';
import type { Environment, StorageConnection } from './config.js';
import { ConfigError } from './config.js';
import { DEFAULT_STORAGE_RETRY, type StorageRetry } from './credential.js';
import { PlatformError, toPlatformError } from './errors.js';

/** The container used when `HL7GW_AUDIT_CONTAINER` is not set. */
export const DEFAULT_AUDIT_CONTAINER = 'hl7gw-audit';

/** How many times one append is re-linked after other writers got in first. */
const MAX_RELINKS = 5;

/** The most entries one append block carries. */
const MAX_ENTRIES_PER_BLOCK = 200;

/**
 * The most entries waiting to be written. Beyond it `append` refuses at once: a flood of
 * refusals must not grow memory without bound while storage is slow.
 */
export const MAX_PENDING_AUDIT_ENTRIES = 10_000;

/** The tail read when resuming a blob; doubled until it holds a whole line. */
const TAIL_WINDOW_BYTES = 8 * 1024;

/** Where an instance writes its audit log. */
export interface AuditSettings {
  /** `HL7GW_AUDIT_CONTAINER`: the blob container. */
  container: string;
  /** The instance name in blob names: `<app>-<HL7GW_AUDIT_INSTANCE or the host instance>`. */
  instance: string;
}

/** Options for `AuditLog`. */
export interface AuditLogOptions {
  /** The instance name in blob names: letters, digits, `-`, `_`, up to 100. */
  instance: string;
  /** The container; `DEFAULT_AUDIT_CONTAINER` when absent. */
  container?: string;
  /** Where entry times (and so blob days) come from; the system clock when absent. */
  clock?: Clock;
  /** How hard storage is retried; `DEFAULT_STORAGE_RETRY` when absent. */
  retry?: StorageRetry;
}

/** An entry waiting for its append. */
interface Pending {
  event: AuditEvent;
  at: Date;
  name: string;
  resolve(): void;
  reject(error: unknown): void;
}

/** Where this writer believes its current blob ends. */
interface Head {
  name: string;
  /** The `seq` of the next entry. */
  seq: number;
  /** The `prev` of the next entry. */
  prev: string;
  /** The blob's length in bytes. */
  offset: number;
}

/**
 * Reads the audit settings for `app` from `env`: `HL7GW_AUDIT_CONTAINER` (default
 * `hl7gw-audit`), and the instance from `HL7GW_AUDIT_INSTANCE`, else Azure's
 * `WEBSITE_INSTANCE_ID` (shortened), else the host name and process id. Throws
 * `ConfigError` naming a malformed setting.
 */
export function parseAuditSettings(env: Environment, app: string): AuditSettings {
  const container = env.HL7GW_AUDIT_CONTAINER?.trim() || DEFAULT_AUDIT_CONTAINER;
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container)) {
    throw new ConfigError('HL7GW_AUDIT_CONTAINER', 'must be a blob container name');
  }

  const configured = env.HL7GW_AUDIT_INSTANCE?.trim();
  if (configured && !/^[A-Za-z0-9_-]{1,64}$/.test(configured)) {
    throw new ConfigError('HL7GW_AUDIT_INSTANCE', 'must be 1-64 letters, digits, - or _');
  }
  const website = env.WEBSITE_INSTANCE_ID?.trim().slice(0, 16);
  const local = `${hostname()
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 40)}-${process.pid}`;
  return { container, instance: `${app}-${configured || website || local}` };
}

/**
 * The audit log of one instance. `append` resolves once the entry is in storage and throws
 * `PlatformError` when it cannot be written (`STORAGE_UNAVAILABLE`, `TIMEOUT`, or
 * `CONFLICT` when the blob's last line is not an entry, which means it was tampered
 * with); callers that must not act unaudited treat a throw as a refusal.
 */
export class AuditLog implements AuditWriter {
  readonly #container: ContainerClient;
  readonly #instance: string;
  readonly #clock: Clock;
  #head: Head | undefined;
  #pending: Pending[] = [];
  #writing = false;
  /** Creates the container once per log, on first write. */
  readonly #ensureContainer: () => Promise<void>;

  /** Wraps an existing client; prefer `fromConnection`. */
  constructor(service: BlobServiceClient, options: AuditLogOptions) {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(options.instance)) {
      throw new RangeError('an audit instance name must be 1-100 letters, digits, - or _');
    }
    this.#container = service.getContainerClient(options.container ?? DEFAULT_AUDIT_CONTAINER);
    this.#ensureContainer = containerCreator(this.#container);
    this.#instance = options.instance;
    this.#clock = options.clock ?? systemClock;
  }

  /** A log in the configured storage account (connection string or managed identity). */
  static fromConnection(storage: StorageConnection, options: AuditLogOptions): AuditLog {
    return new AuditLog(auditBlobService(storage, options.retry), options);
  }

  /** The instance name this log writes under. */
  get instance(): string {
    return this.#instance;
  }

  /**
   * Appends one entry after every earlier `append` of this log; resolves once it is in
   * storage. Entries keep their call order and are dated when `append` is called.
   */
  append(event: AuditEvent): Promise<void> {
    if (this.#pending.length >= MAX_PENDING_AUDIT_ENTRIES) {
      return Promise.reject(
        new PlatformError('STORAGE_UNAVAILABLE', 'the audit log is behind; the entry is refused'),
      );
    }
    const at = this.#clock.now();
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ event, at, name: auditBlobName(at, this.#instance), resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  /** Writes what is pending, a block at a time, until nothing is. */
  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#pending.length > 0) {
        const name = (this.#pending[0] as Pending).name;
        // One block per blob: entries of the next day start that day's chain.
        let count = 0;
        while (
          count < this.#pending.length &&
          count < MAX_ENTRIES_PER_BLOCK &&
          this.#pending[count]?.name === name
        ) {
          count++;
        }
        const batch = this.#pending.splice(0, count);
        try {
          await this.#appendBlock(name, batch);
          for (const entry of batch) entry.resolve();
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async #appendBlock(name: string, batch: Pending[]): Promise<void> {
    const blob = this.#container.getAppendBlobClient(name);

    for (let attempt = 0; attempt <= MAX_RELINKS; attempt++) {
      const head = this.#head?.name === name ? this.#head : await this.#open(name);
      let prev = head.prev;
      const lines = batch.map((entry, index) => {
        const formatted = formatAuditEntry(entry.event, head.seq + index, entry.at, prev);
        prev = formatted.hash;
        return `${formatted.line}\n`;
      });
      const bytes = Buffer.from(lines.join(''), 'utf8');

      try {
        await blob.appendBlock(bytes, bytes.byteLength, {
          conditions: { appendPosition: head.offset },
        });
        this.#head = {
          name,
          seq: head.seq + batch.length,
          prev,
          offset: head.offset + bytes.byteLength,
        };
        return;
      } catch (error) {
        // Whatever happened, the blob may have moved on: re-read it before the next append.
        this.#head = undefined;
        if (!isAppendPositionConflict(error)) throw toPlatformError(error, 'storage');

        // A retried request whose first try landed looks like a conflict: check for our block.
        const reread = await this.#open(name);
        this.#head = reread;
        if (reread.prev === prev) return;
      }
    }
    throw new PlatformError('CONFLICT', 'the audit blob kept changing under this writer');
  }

  /** The head of blob `name`: created empty, or resumed from its last entry. */
  async #open(name: string): Promise<Head> {
    await this.#ensureContainer();
    const blob = this.#container.getAppendBlobClient(name);
    try {
      await blob.create({ conditions: { ifNoneMatch: '*' } });
      return { name, seq: 0, prev: genesisHash(name), offset: 0 };
    } catch (error) {
      if (statusOf(error) !== 409) throw toPlatformError(error, 'storage');
    }
    return this.#resume(name);
  }

  /** Reads the end of an existing blob to continue its chain. */
  async #resume(name: string): Promise<Head> {
    const blob = this.#container.getAppendBlobClient(name);
    try {
      const { contentLength = 0 } = await blob.getProperties();
      if (contentLength === 0) return { name, seq: 0, prev: genesisHash(name), offset: 0 };

      for (let window = TAIL_WINDOW_BYTES; ; window *= 2) {
        const start = Math.max(0, contentLength - window);
        const tail = (await blob.downloadToBuffer(start, contentLength - start)).toString('utf8');
        if (!tail.endsWith('\n')) break;

        const lines = tail.slice(0, -1).split('\n');
        // The first line of a partial window may be cut; a lone line is whole only at 0.
        if (lines.length < 2 && start > 0) continue;
        const read = readAuditLine(lines[lines.length - 1] as string);
        if (!('entry' in read)) break;
        return { name, seq: read.entry.seq + 1, prev: read.entry.hash, offset: contentLength };
      }
    } catch (error) {
      throw toPlatformError(error, 'storage');
    }
    throw new PlatformError(
      'CONFLICT',
      `the audit blob ${name} does not end with a whole entry; run hl7gw audit verify`,
    );
  }
}

/** A blob service client for the audit log or its verifier. */
export function auditBlobService(
  storage: StorageConnection,
  retry: StorageRetry = DEFAULT_STORAGE_RETRY,
): BlobServiceClient {
  // The same client the blob store uses: the audit log lives in the same account.
  return blobServiceClient(storage, retry);
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function isAppendPositionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return statusOf(error) === 412 && code === 'AppendPositionConditionNotMet';
}
