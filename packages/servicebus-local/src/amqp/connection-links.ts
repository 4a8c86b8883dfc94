/**
 * The receiver links each AMQP connection has open on the broker, so that a dropped
 * connection can give back its session locks. A link leaves the table when its sender
 * detaches or its AMQP session ends: a client that keeps one connection for hours and
 * attaches a receiver per session (as the Functions session trigger does) would otherwise
 * keep every link it ever attached, and the rhea session and buffers behind it, alive.
 */

/** What the table needs of a served link. */
export interface ClosableLink {
  /** Stops serving; safe to call more than once. */
  close(): void;
}

/**
 * Links by connection and by the sender (the broker's end of the link) that serves them.
 * Connection, sender and session are compared by identity only.
 */
export class ConnectionLinks<Connection extends object, Sender extends { session?: unknown }> {
  private readonly byConnection = new Map<Connection, Map<Sender, ClosableLink>>();

  /** Records a link once it is served. */
  track(connection: Connection, sender: Sender, link: ClosableLink): void {
    let links = this.byConnection.get(connection);
    if (!links) {
      links = new Map();
      this.byConnection.set(connection, links);
    }
    links.set(sender, link);
  }

  /** Closes and forgets the link `sender` serves (its client detached it). */
  detach(connection: Connection, sender: Sender): void {
    const links = this.byConnection.get(connection);
    const link = links?.get(sender);
    if (!links || !link) return;
    link.close();
    links.delete(sender);
    if (links.size === 0) this.byConnection.delete(connection);
  }

  /** Closes and forgets the links of one AMQP session, which ended with or without detaches. */
  endSession(connection: Connection, session: unknown): void {
    for (const sender of [...(this.byConnection.get(connection)?.keys() ?? [])]) {
      if (sender.session === session) this.detach(connection, sender);
    }
  }

  /** Closes and forgets every link of a connection that closed or dropped. */
  dropConnection(connection: Connection): void {
    this.byConnection.get(connection)?.forEach((link) => link.close());
    this.byConnection.delete(connection);
  }

  /** How many links are tracked over all connections. */
  get size(): number {
    let size = 0;
    for (const links of this.byConnection.values()) size += links.size;
    return size;
  }
}
