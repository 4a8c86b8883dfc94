/**
 * Graceful shutdown on SIGINT and SIGTERM for the host's entry point: the first signal
 * stops everything and exits; a second one exits at once.
 */

/** Something to stop before the process exits. */
export type Stoppable = () => Promise<void>;

/**
 * On the first SIGINT or SIGTERM runs `stop`, then exits with 0 (1 if `stop` threw); on
 * a second signal exits with 130 without waiting. Returns a function that removes the
 * handlers.
 */
export function stopOnSignals(stop: Stoppable, report: (line: string) => void): () => void {
  let stopping = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      report(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    report(`${signal}: finishing in-flight work, then stopping`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        report(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
