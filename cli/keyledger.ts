import { readFileSync } from 'node:fs';
import { CommanderError, Command, Option } from 'commander';
import { registerAdmin } from './commands/admin.ts';
import { registerAliases } from './commands/aliases.ts';
import { registerAudit } from './commands/audit.ts';
import { registerBackup } from './commands/backup.ts';
import { registerHistory } from './commands/history.ts';
import { registerImportToken } from './commands/import-token.ts';
import { registerKey } from './commands/key.ts';
import { registerKeys } from './commands/keys.ts';
import { registerPolicies } from './commands/policies.ts';
import { registerReadModels } from './commands/read-models.ts';
import { registerRegistrations } from './commands/registrations.ts';
import { registerRestore } from './commands/restore.ts';
import { registerRings } from './commands/rings.ts';
import { Cli } from './context.ts';
import { CliError, ExitCode } from './exit-codes.ts';

const EPILOG = `
Settings: --url, else $KEYLEDGER_URL, else http://127.0.0.1:$PORT (8080); the API key from
$KEYLEDGER_API_KEY, else $KEYLEDGER_DATA_DIR/admin-api-key (--api-key works too, but shows in ps);
the instance from --instance, else $KEYLEDGER_INSTANCE, else $KEYLEDGER_DATA_DIR/default-instance.

Exit codes: 0 done; 1 the service refused or failed the request (one line on stderr with the
Key Protect reason code); 2 bad usage; 3 no connection or sign-in; 4 a check failed (audit verify, audit reconcile).`;

/**
 * The `keyledger` command (package.json `bin`): Key Protect's data plane in the shape of
 * `ibmcloud kp`, the administration API, and offline maintenance. Each group of subcommands is one
 * file under cli/commands/ registering its verbs here.
 */
export function buildProgram(cli: Cli): Command {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const program = new Command('keyledger')
    .version(version, '-V, --version')
    .description('Manage a keyledger service: keys, key rings, policies, audit trail and administration.')
    .addOption(new Option('--url <url>', 'the keyledger server').env('KEYLEDGER_URL'))
    .addOption(new Option('--api-key <key>', 'the API key to sign in with').env('KEYLEDGER_API_KEY'))
    .addOption(new Option('-i, --instance <id>', 'the service instance (bluemix-instance)').env('KEYLEDGER_INSTANCE'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EPILOG)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of [
    registerKeys,
    registerKey,
    registerRings,
    registerAliases,
    registerPolicies,
    registerRegistrations,
    registerImportToken,
    registerAudit,
    registerHistory,
    registerAdmin,
    registerReadModels,
    registerBackup,
    registerRestore,
  ])
    register(program, cli);
  return program;
}

/** Runs the command line; resolves to the exit code (see EPILOG). */
export async function main(argv: readonly string[]): Promise<number> {
  const cli = new Cli();
  const program = buildProgram(cli);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return cli.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0; a usage error was already printed.
      if (error.exitCode === 0) return ExitCode.ok;
      if (!error.code.startsWith('commander.')) console.error(`keyledger: ${error.message}`);
      return ExitCode.usage;
    }
    if (error instanceof CliError) {
      console.error(`keyledger: ${error.message}`);
      return error.exitCode;
    }
    console.error(`keyledger: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.refused;
  }
}
