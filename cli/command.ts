import type { AdminClient } from './admin-client.ts';

/** Options every subcommand may declare, in node:util parseArgs form (strings and booleans). */
type OptionSpec = Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>;

/** What a subcommand receives: its parsed options, positional arguments and an authenticated client. */
export interface CommandInput {
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  readonly client: AdminClient;
  /** Writes a line to stdout (a JSON document, usually). */
  print(line: string): void;
}

/**
 * One `keyledger <group> <verb>` subcommand. `run` resolves to the process exit code: 0 success,
 * 1 a refusal or failed check, 2 bad usage.
 */
export interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly options: OptionSpec;
  run(input: CommandInput): Promise<number>;
}

/** A usage error: the dispatcher prints the command's usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function requiredOption(input: CommandInput, name: string): string {
  const value = input.options[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optionalOption(input: CommandInput, name: string): string | undefined {
  const value = input.options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
