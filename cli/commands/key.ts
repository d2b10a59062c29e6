import { Option, type Command } from 'commander';
import type { Cli, Invocation } from '../context.ts';
import { list, segment, wholeNumber } from '../context.ts';
import { renderFields, renderTable } from '../output/table.ts';
import { firstResource, keyFields, resourcesOf, type KeyResource } from './key-view.ts';

const RETURN_KEY = { prefer: 'return=representation' };

/** What wrap, unwrap and rewrap answer. */
interface WrapResult {
  readonly plaintext?: string;
  readonly ciphertext?: string;
  readonly keyVersion?: { readonly id: string };
  readonly rewrappedKeyVersion?: { readonly id: string };
}

function showWrap(run: Invocation, result: WrapResult): void {
  run.print({
    json: result,
    table: () =>
      renderFields([
        ['Plaintext', result.plaintext],
        ['Ciphertext', result.ciphertext],
        ['Key version', result.keyVersion?.id],
        ['Rewrapped from', result.rewrappedKeyVersion?.id],
      ]),
  });
}

/** An action answered with 204: the table says what happened; JSON repeats it for scripts. */
function acted(run: Invocation, key: string, action: string, done: string): void {
  run.print({ json: { id: key, action }, table: () => `Key ${key} ${done}.` });
}

const aadOption = () => new Option('-a, --aad <values>', 'additional authenticated data, comma-separated');

/** `keyledger key rotate|disable|enable|versions|wrap|unwrap|rewrap|...`: actions on one key (`ibmcloud kp key`). */
export function registerKey(program: Command, cli: Cli): void {
  const key = program
    .command('key')
    .description('actions on one key: rotate, disable, enable, versions, wrap, unwrap, rewrap');

  key
    .command('rotate')
    .description('create a new version of a root key (POST /api/v2/keys/{id}/actions/rotate)')
    .argument('<key>', 'key id or alias')
    .option('-k, --key-material <base64>', 'the new material of an imported root key')
    .action(
      cli.act(async (run, id) => {
        const material = run.options.keyMaterial as string | undefined;
        const res = await run.client.call('POST', `/api/v2/keys/${segment(id)}/actions/rotate`, {
          instance: run.instance,
          headers: RETURN_KEY,
          body: material === undefined ? {} : { payload: material },
        });
        const rotated = firstResource<KeyResource>(res.body);
        run.print({ json: rotated, table: () => keyFields(rotated) });
      }),
    );

  for (const [name, path, done, what] of [
    [
      'disable',
      'disable',
      'disabled',
      'disable a root key: it refuses wrap, unwrap and rewrap until enabled (Active -> Suspended)',
    ],
    ['enable', 'enable', 'enabled', 'enable a disabled root key (Suspended -> Active)'],
    [
      'schedule-delete',
      'setKeyForDeletion',
      'set for deletion',
      'dual authorization: authorize deleting a key whose policy requires two people',
    ],
    [
      'cancel-delete',
      'unsetKeyForDeletion',
      'no longer set for deletion',
      'dual authorization: withdraw an authorization to delete',
    ],
  ] as const) {
    key
      .command(name)
      .description(`${what} (POST /api/v2/keys/{id}/actions/${path})`)
      .argument('<key>', 'key id or alias')
      .action(
        cli.act(async (run, id) => {
          await run.client.call('POST', `/api/v2/keys/${segment(id)}/actions/${path}`, { instance: run.instance });
          acted(run, id, name, done);
        }),
      );
  }

  key
    .command('versions')
    .description("list a key's versions, newest first (GET /api/v2/keys/{id}/versions)")
    .argument('<key>', 'key id or alias')
    .addOption(new Option('-n, --number <n>', 'versions per page').argParser(wholeNumber).default(200))
    .addOption(new Option('-s, --start <offset>', 'versions to skip').argParser(wholeNumber).default(0))
    .action(
      cli.act(async (run, id) => {
        const res = await run.client.call('GET', `/api/v2/keys/${segment(id)}/versions`, {
          instance: run.instance,
          query: { limit: run.options.number as number, offset: run.options.start as number },
        });
        const versions = resourcesOf<{ id: string; creationDate?: string }>(res.body);
        run.print({
          json: versions,
          table: () =>
            renderTable(versions, [
              { header: 'version', value: (v) => v.id },
              { header: 'created', value: (v) => v.creationDate },
            ]),
        });
      }),
    );

  key
    .command('wrap')
    .description(
      'wrap a data encryption key with a root key; without --plaintext the service generates one (POST .../actions/wrap)',
    )
    .argument('<key>', 'root key id or alias')
    .option('-p, --plaintext <base64>', 'the data key to wrap (base64)')
    .addOption(aadOption())
    .action(
      cli.act(async (run, id) => {
        const res = await run.client.call('POST', `/api/v2/keys/${segment(id)}/actions/wrap`, {
          instance: run.instance,
          body: {
            plaintext: run.options.plaintext as string | undefined,
            aad: list(run.options.aad as string | undefined),
          },
        });
        showWrap(run, res.body as WrapResult);
      }),
    );

  // unwrap and rewrap take the same arguments and answer the same shape.
  for (const [action, description] of [
    ['unwrap', 'unwrap a wrapped data key; the same AAD is needed (POST .../actions/unwrap)'],
    ['rewrap', "wrap a wrapped data key again with the root key's latest version (POST .../actions/rewrap)"],
  ] as const)
    key
      .command(action)
      .description(description)
      .argument('<key>', 'root key id or alias')
      .argument('<ciphertext>', 'the wrapped data key, as wrap returned it')
      .addOption(aadOption())
      .action(
        cli.act(async (run, id, ciphertext) => {
          const res = await run.client.call('POST', `/api/v2/keys/${segment(id)}/actions/${action}`, {
            instance: run.instance,
            body: { ciphertext, aad: list(run.options.aad as string | undefined) },
          });
          showWrap(run, res.body as WrapResult);
        }),
      );

  key
    .command('move')
    .description('move a key to another key ring (PATCH /api/v2/keys/{id})')
    .argument('<key>', 'key id or alias')
    .requiredOption('-r, --key-ring <id>', 'the key ring to move it to')
    .action(
      cli.act(async (run, id) => {
        const res = await run.client.call('PATCH', `/api/v2/keys/${segment(id)}`, {
          instance: run.instance,
          body: { keyRingID: run.options.keyRing as string },
        });
        const moved = firstResource<KeyResource>(res.body);
        run.print({ json: moved, table: () => keyFields(moved) });
      }),
    );
}
