/**
 * The SQLite schema of the broker's data directory, and the pragmas it runs with.
 */
import Database from 'better-sqlite3';

/** The schema version this code reads and writes; a newer file is refused. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  entity TEXT NOT NULL,
  sequence_number INTEGER NOT NULL,
  enqueued_at_ms INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  session_id TEXT,
  state TEXT NOT NULL,
  scheduled_at_ms INTEGER,
  expires_at_ms INTEGER,
  delivery_count INTEGER NOT NULL,
  payload BLOB NOT NULL,
  PRIMARY KEY (entity, sequence_number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sequences (
  entity TEXT PRIMARY KEY,
  last_sequence_number INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS message_ids (
  entity TEXT NOT NULL,
  message_id TEXT NOT NULL,
  seen_at_ms INTEGER NOT NULL,
  PRIMARY KEY (entity, message_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS session_states (
  entity TEXT NOT NULL,
  session_id TEXT NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY (entity, session_id)
) WITHOUT ROWID;
`;

/**
 * Opens (creating when absent) the database file and applies the schema.
 *
 * Journal mode is WAL with `synchronous = FULL`: every commit is fsynced before the broker
 * settles a sender's transfer, so an accepted message survives a process crash and a power
 * loss alike. Writes are grouped into one transaction per turn of the event loop (see
 * `MessageStore`), which keeps the fsync cost per message small under load.
 * `locking_mode = EXCLUSIVE` keeps a second broker from opening the same directory.
 *
 * @throws Error from better-sqlite3 when the file cannot be opened or is locked by another
 *   broker, and when it was written by a newer schema version.
 */
export function openDatabase(file: string): Database.Database {
  // A short busy timeout: the only contender for the file is another broker, so fail fast.
  const db = new Database(file, { timeout: 100 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');

    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`${file} was written by a newer broker (schema ${version})`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
