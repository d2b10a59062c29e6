import { InvalidArgumentError, type Command } from 'commander';
import { ApiClient, clientSettings, dataDirFile } from './api-client.ts';
import { ExitCode, usageError } from './exit-codes.ts';
import { Progress } from './output/progress.ts';

/** The options every command takes (declared once, on the program). */
interface GlobalOptions {
  readonly url?: string;
  readonly apiKey?: string;
  readonly instance?: string;
  readonly output: 'table' | 'json';
}

/** What one command's action works with: its options, the API client, output. */
export class Invocation {
  private apiClient: ApiClient | undefined;
  readonly options: GlobalOptions & Readonly<Record<string, unknown>>;

  constructor(private readonly command: Command) {
    this.options = command.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
  }

  /** The command's own options, typed as it declares them (commander gives them untyped). */
  opts<T>(): T & GlobalOptions {
    return this.options as unknown as T & GlobalOptions;
  }

  /** Built on first use: offline commands (read-models rebuild) need no server or API key. */
  get client(): ApiClient {
    this.apiClient ??= new ApiClient(clientSettings({ url: this.options.url, apiKey: this.options.apiKey }));
    return this.apiClient;
  }

  /** The instance (`bluemix-instance`): --instance, `$KEYLEDGER_INSTANCE`, else the local default instance. */
  get instance(): string {
    const id = this.options.instance ?? process.env.KEYLEDGER_INSTANCE ?? dataDirFile('default-instance');
    if (!id)
      throw usageError(
        'no instance: pass --instance, set KEYLEDGER_INSTANCE, or run where $KEYLEDGER_DATA_DIR/default-instance exists',
      );
    return id;
  }

  get json(): boolean {
    return this.options.output === 'json';
  }

  /** Prints the result: `json` as JSON with --output json, else the table `table` renders. */
  print(result: { json: unknown; table: () => string }): void {
    const text = this.json ? JSON.stringify(result.json, null, 2) : result.table();
    if (text !== '') process.stdout.write(`${text}\n`);
  }

  /** A progress line on stderr when it is a terminal (quiet when piped). */
  progress(): Progress {
    return new Progress();
  }
}

/** Shared by all commands: turns each action's result into the process exit code. */
export class Cli {
  exitCode: ExitCode = ExitCode.ok;

  /**
   * Wraps a command's action: `fn` gets the invocation and the command's positional arguments,
   * and may return an exit code (errors thrown are turned into one by the program).
   */
  act<Args extends string[]>(fn: (run: Invocation, ...args: Args) => Promise<ExitCode | void>) {
    return async (...params: unknown[]): Promise<void> => {
      const command = params[params.length - 1] as Command;
      const args = params.slice(0, command.registeredArguments.length) as Args;
      const code = await fn(new Invocation(command), ...args);
      if (code !== undefined) this.exitCode = code;
    };
  }
}

/** Path segment, percent-encoded. */
export const segment = (value: string): string => encodeURIComponent(value);

/** Splits a comma-separated option value into its non-empty, trimmed items. */
export function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
}

/** Parses a whole number option (commander's argParser; a bad value is a usage error). */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number.');
  return Number(value);
}
