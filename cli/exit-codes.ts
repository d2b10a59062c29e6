/**
 * The `keyledger` command's exit codes, for scripts (README "The keyledger command"). Each failure
 * prints one line on stderr; for a refused request that line carries the Key Protect reason code.
 */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** The service refused or failed the request (4xx/5xx). */
  refused: 1,
  /** Bad usage: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** No connection or no sign-in: server unreachable, no API key, or the API key refused. */
  noSignIn: 3,
  /** A check failed: `audit verify` found the chain not valid, or `audit reconcile` a request without its record. */
  checkFailed: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with `exitCode` and prints `message` as one line. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad usage the parser could not see (e.g. a malformed value): exit code 2. */
export function usageError(message: string): CliError {
  return new CliError(ExitCode.usage, message);
}
