import { Option, type Command } from 'commander';
import type { Cli, Invocation } from '../context.ts';
import { list, segment, wholeNumber } from '../context.ts';
import { firstResource, keyFields, keysTable, parseStates, resourcesOf, type KeyResource } from './key-view.ts';

const KEY_TYPE = 'application/vnd.ibm.kms.key+json';
const RETURN_KEY = { prefer: 'return=representation' };

/** Key Protect's largest page of GET /keys. */
const MAX_PAGE = 5000;

function showKey(run: Invocation, body: unknown): void {
  const key = firstResource<KeyResource>(body);
  run.print({ json: key, table: () => keyFields(key) });
}

/** `keyledger keys list|create|show|delete|restore|purge`: the keys of an instance (`ibmcloud kp keys`). */
export function registerKeys(program: Command, cli: Cli): void {
  const keys = program.command('keys').description('list, create, show, delete, restore and purge keys');

  keys
    .command('list')
    .description('list the keys of the instance (GET /api/v2/keys), newest last')
    .addOption(new Option('-n, --number <n>', 'keys per page, 1-5000').argParser(wholeNumber).default(200))
    .addOption(new Option('-s, --start <offset>', 'keys to skip').argParser(wholeNumber).default(0))
    .addOption(
      new Option(
        '--state <states>',
        'key states, comma-separated: active, suspended, deactivated, destroyed, pre-activation or 0-5 (default: all but destroyed)',
      ).argParser(parseStates),
    )
    .addOption(new Option('--type <type>', 'only root or only standard keys').choices(['root', 'standard']))
    .option('--all', 'every page, not only the first (progress on a terminal)')
    .action(
      cli.act(async (run) => {
        const o = run.opts<{ number: number; start: number; state?: string; type?: string; all?: boolean }>();
        const query = {
          state: o.state,
          extractable: o.type === undefined ? undefined : o.type === 'standard',
        };
        const found: KeyResource[] = [];
        const progress = run.progress();
        let offset = o.start;
        for (;;) {
          const limit = o.all ? MAX_PAGE : o.number;
          const res = await run.client.call('GET', '/api/v2/keys', {
            instance: run.instance,
            query: { ...query, limit, offset },
          });
          const page = resourcesOf<KeyResource>(res.body);
          found.push(...page);
          offset += page.length;
          if (!o.all || page.length < limit) break;
          progress.update(`${found.length} keys`);
        }
        progress.done();
        run.print({ json: found, table: () => keysTable(found) });
      }),
    );

  keys
    .command('create')
    .description('create a root key (default) or a standard key, or import one with --key-material (POST /api/v2/keys)')
    .argument('<name>', 'the key name (2-90 characters)')
    .option('-s, --standard', 'a standard key (extractable) instead of a root key')
    .option(
      '-k, --key-material <base64>',
      'import this key material (base64; with an import token: its RSA-OAEP ciphertext)',
    )
    .option('-D, --description <text>', 'a description (up to 240 characters)')
    .option('-a, --aliases <aliases>', 'up to 5 aliases, comma-separated')
    .option('-r, --key-ring <id>', 'the key ring to create the key in (default: default)')
    .option('-e, --expiration <time>', 'expiration date (RFC 3339)')
    .option(
      '-n, --encrypted-nonce <base64>',
      "secure import: the import token's nonce, encrypted with the key material",
    )
    .option('-v, --iv <base64>', 'secure import: the IV of --encrypted-nonce')
    .addOption(
      new Option('--encryption-algorithm <algorithm>', 'secure import: how --key-material was encrypted').choices([
        'RSAES_OAEP_SHA_256',
        'RSAES_OAEP_SHA_1',
      ]),
    )
    .action(
      cli.act(async (run, name) => {
        const o = run.opts<Record<string, string | boolean | undefined>>();
        const str = (k: string) => (typeof o[k] === 'string' ? o[k] : undefined);
        const resource = {
          type: KEY_TYPE,
          name,
          extractable: o.standard === true,
          payload: str('keyMaterial'),
          description: str('description'),
          aliases: list(str('aliases')),
          expirationDate: str('expiration'),
          encryptedNonce: str('encryptedNonce'),
          iv: str('iv'),
          encryptionAlgorithm: str('encryptionAlgorithm'),
        };
        const res = await run.client.call('POST', '/api/v2/keys', {
          instance: run.instance,
          headers: { ...RETURN_KEY, 'x-kms-key-ring': str('keyRing') },
          body: { metadata: { collectionType: KEY_TYPE, collectionTotal: 1 }, resources: [resource] },
        });
        showKey(run, res.body);
      }),
    );

  keys
    .command('show')
    .description("show a key's metadata (GET /api/v2/keys/{id}/metadata)")
    .argument('<key>', 'key id or alias')
    .option('--with-payload', "a standard key's payload too (GET /api/v2/keys/{id}; needs ReaderPlus)")
    .action(
      cli.act(async (run, key) => {
        const path = run.options.withPayload ? `/api/v2/keys/${segment(key)}` : `/api/v2/keys/${segment(key)}/metadata`;
        showKey(run, (await run.client.call('GET', path, { instance: run.instance })).body);
      }),
    );

  keys
    .command('delete')
    .description('delete a key: it becomes Destroyed and can be restored for 30 days (DELETE /api/v2/keys/{id})')
    .argument('<key>', 'key id or alias')
    .option('-f, --force', 'delete even if resources are registered to it')
    .action(
      cli.act(async (run, key) => {
        const res = await run.client.call('DELETE', `/api/v2/keys/${segment(key)}`, {
          instance: run.instance,
          headers: RETURN_KEY,
          query: { force: run.options.force === true ? true : undefined },
        });
        showKey(run, res.body);
      }),
    );

  keys
    .command('restore')
    .description('restore a deleted key within 30 days of its deletion (POST /api/v2/keys/{id}/restore)')
    .argument('<key>', 'key id')
    .action(
      cli.act(async (run, key) => {
        showKey(
          run,
          (await run.client.call('POST', `/api/v2/keys/${segment(key)}/restore`, { instance: run.instance })).body,
        );
      }),
    );

  keys
    .command('purge')
    .description(
      'purge a deleted key for good, 4 hours or more after its deletion; needs KeyPurge (DELETE /api/v2/keys/{id}/purge)',
    )
    .argument('<key>', 'key id')
    .action(
      cli.act(async (run, key) => {
        showKey(
          run,
          (await run.client.call('DELETE', `/api/v2/keys/${segment(key)}/purge`, { instance: run.instance })).body,
        );
      }),
    );
}
