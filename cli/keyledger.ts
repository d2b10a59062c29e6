import { parseArgs } from 'node:util';
import { AdminClient, clientSettings } from './admin-client.ts';
import { UsageError, type Command } from './command.ts';
import { accessGrant } from './commands/access-grant.ts';
import { accessList } from './commands/access-list.ts';
import { accessRevoke } from './commands/access-revoke.ts';
import { auditReconcile } from './commands/audit-reconcile.ts';
import { auditVerify } from './commands/audit-verify.ts';
import { backup } from './commands/backup.ts';
import { instanceCreate } from './commands/instance-create.ts';
import { principalCreate } from './commands/principal-create.ts';
import { principalDelete } from './commands/principal-delete.ts';
import { principalIssueKey } from './commands/principal-issue-key.ts';
import { principalRevokeKey } from './commands/principal-revoke-key.ts';
import { readModelsRebuild } from './commands/read-models-rebuild.ts';
import { restore } from './commands/restore.ts';
import { signingKeyRotate } from './commands/signing-key-rotate.ts';

/**
 * `npm run keyledger -- <group> <verb> [options]`: the administration API over HTTP, and maintenance
 * of the data directory (`read-models rebuild`, `backup`, `restore`).
 * Each subcommand is one file under cli/commands/; add it to this table under "group verb", or under
 * one word when it has no group.
 */
const commands: Readonly<Record<string, Command>> = {
  'instance create': instanceCreate,
  'principal create': principalCreate,
  'principal revoke-key': principalRevokeKey,
  'principal issue-key': principalIssueKey,
  'principal delete': principalDelete,
  'access grant': accessGrant,
  'access revoke': accessRevoke,
  'access list': accessList,
  'signing-key rotate': signingKeyRotate,
  'audit verify': auditVerify,
  'audit reconcile': auditReconcile,
  'read-models rebuild': readModelsRebuild,
  backup,
  restore,
};

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function help(): string {
  const lines = Object.values(commands).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return [
    'usage: keyledger <group> <verb> [options] [--url URL] [--api-key KEY], or keyledger backup|restore ...',
    '  --url defaults to $KEYLEDGER_URL or http://127.0.0.1:$PORT (8080);',
    '  --api-key to $KEYLEDGER_API_KEY or $KEYLEDGER_DATA_DIR/admin-api-key.',
    '',
    ...lines,
  ].join('\n');
}

async function run(argv: readonly string[]): Promise<number> {
  const [group, verb, ...more] = argv;
  const named = (name: string) => (Object.hasOwn(commands, name) ? commands[name] : undefined);
  const grouped = group && verb ? named(`${group} ${verb}`) : undefined;
  // A command of one word (`backup <dir>`) takes the next word as its first argument.
  const command = grouped ?? (group ? named(group) : undefined);
  const rest = grouped ? more : argv.slice(1);
  if (!command) {
    console.error(help());
    return group === '--help' || group === '-h' || group === 'help' ? 0 : 2;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      console.log(`${command.usage}\n  ${command.summary}`);
      return 0;
    }
    const apiKey = values['api-key'];
    const url = values.url;
    let client: AdminClient | undefined;
    // Built on first use: offline commands (read-models rebuild) need no server URL or API key.
    const input = {
      options: values,
      positionals,
      get client(): AdminClient {
        client ??= new AdminClient(
          clientSettings({
            url: typeof url === 'string' ? url : undefined,
            apiKey: typeof apiKey === 'string' ? apiKey : undefined,
          }),
        );
        return client;
      },
      print: (line: string) => console.log(line),
    };
    return await command.run(input);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`keyledger: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    console.error(`keyledger: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));
