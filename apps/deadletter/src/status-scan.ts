/**
 * Reads status records by time for the summary report. `StatusStore` reads one record by
 * id; a report needs every record with a step inside a window, so this scans the status
 * table with a filter on the record's first and last step times.
 */
import type { MessageStatus, StatusRecord, StatusStep, Table } from '@hl7gw/platform';

/** The columns of a status row a report reads (the row layout is `StatusStore`'s). */
interface StatusRow {
  status: MessageStatus;
  history: string;
  createdAt: string;
  updatedAt: string;
  messageType?: string;
  sendingFacility?: string;
  controlId?: string;
  clientId?: string;
  batchId?: string;
}

/** What a scan found. */
export interface StatusScanResult {
  /** The records with a step in the window. */
  records: StatusRecord[];
  /** True when more records matched than the scan was allowed to read. */
  truncated: boolean;
}

const PAGE_SIZE = 1_000;

/** Scans the status table. Every method throws `PlatformError` when storage fails. */
export class StatusScan {
  readonly #table: Table;

  /** Scans `table`, the status records' table. */
  constructor(table: Table) {
    this.#table = table;
  }

  /**
   * Every record with a step at or after `from` and before `to`, read up to `maxRecords`.
   * Steps are recorded in time order, so such a record was created before `to` and last
   * updated at or after `from`; the times are ISO 8601 UTC strings, which sort as times.
   */
  async inWindow(from: Date, to: Date, maxRecords: number): Promise<StatusScanResult> {
    // Both values come from Date#toISOString, so they hold no quote to escape.
    const filter = `createdAt lt '${to.toISOString()}' and updatedAt ge '${from.toISOString()}'`;
    const records: StatusRecord[] = [];
    let token: string | undefined;

    do {
      const page = await this.#table.page<StatusRow>(filter, PAGE_SIZE, token);
      for (const row of page.items) {
        if (records.length >= maxRecords) return { records, truncated: true };
        records.push(toRecord(row.partitionKey as string, row));
      }
      token = page.continuationToken;
    } while (token !== undefined);

    return { records, truncated: false };
  }
}

function toRecord(id: string, row: StatusRow): StatusRecord {
  const record: StatusRecord = {
    id,
    status: row.status,
    history: parseHistory(row.history),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  if (row.messageType !== undefined) record.messageType = row.messageType;
  if (row.sendingFacility !== undefined) record.sendingFacility = row.sendingFacility;
  return record;
}

/** A row written by another version may hold an unreadable history; it then counts as none. */
function parseHistory(text: string): StatusStep[] {
  try {
    const history: unknown = JSON.parse(text);
    return Array.isArray(history) ? (history as StatusStep[]) : [];
  } catch {
    return [];
  }
}
