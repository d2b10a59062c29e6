import type { Command } from 'commander';
import type { Cli } from '../context.ts';
import { segment } from '../context.ts';
import { renderTable } from '../output/table.ts';
import { firstResource, resourcesOf, type KeyResource } from './key-view.ts';

interface Alias {
  readonly keyId: string;
  readonly alias: string;
  readonly createdBy?: string;
  readonly creationDate?: string;
}

/** `keyledger aliases list|create|delete`: a key's aliases (`ibmcloud kp key alias-create`). */
export function registerAliases(program: Command, cli: Cli): void {
  const aliases = program.command('aliases').description("list, create and delete a key's aliases");

  aliases
    .command('list')
    .description("list a key's aliases (from GET /api/v2/keys/{id}/metadata)")
    .argument('<key>', 'key id or alias')
    .action(
      cli.act(async (run, key) => {
        const res = await run.client.call('GET', `/api/v2/keys/${segment(key)}/metadata`, { instance: run.instance });
        const found = firstResource<KeyResource>(res.body);
        const rows = (found.aliases ?? []).map((alias) => ({ keyId: found.id, alias }));
        run.print({
          json: rows,
          table: () =>
            renderTable(rows, [
              { header: 'alias', value: (r) => r.alias },
              { header: 'key id', value: (r) => r.keyId },
            ]),
        });
      }),
    );

  aliases
    .command('create')
    .description('add an alias to a key, unique in the instance (POST /api/v2/keys/{id}/aliases/{alias})')
    .argument('<key>', 'key id or alias')
    .argument('<alias>', '2-90 letters, digits, - and _')
    .action(
      cli.act(async (run, key, alias) => {
        const res = await run.client.call('POST', `/api/v2/keys/${segment(key)}/aliases/${segment(alias)}`, {
          instance: run.instance,
        });
        const created = resourcesOf<Alias>(res.body);
        run.print({
          json: created[0],
          table: () =>
            renderTable(created, [
              { header: 'alias', value: (r) => r.alias },
              { header: 'key id', value: (r) => r.keyId },
              { header: 'created', value: (r) => r.creationDate },
            ]),
        });
      }),
    );

  aliases
    .command('delete')
    .description('remove an alias from a key (DELETE /api/v2/keys/{id}/aliases/{alias})')
    .argument('<key>', 'key id or alias')
    .argument('<alias>', 'the alias to remove')
    .action(
      cli.act(async (run, key, alias) => {
        await run.client.call('DELETE', `/api/v2/keys/${segment(key)}/aliases/${segment(alias)}`, {
          instance: run.instance,
        });
        run.print({ json: { id: key, alias, action: 'delete' }, table: () => `Alias ${alias} removed.` });
      }),
    );
}
