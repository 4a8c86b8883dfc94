/**
 * The CLI's one error type: a usage problem or unreadable input, ending the run with exit 2.
 */

/** A problem with how the command was called or with its input; exits 2 with one line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
