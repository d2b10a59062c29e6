import type { Command } from 'commander';
import type { Cli } from '../context.ts';
import { segment } from '../context.ts';
import { renderTable } from '../output/table.ts';
import { resourcesOf } from './key-view.ts';

interface KeyRing {
  readonly id: string;
  readonly creationDate?: string;
  readonly createdBy?: string;
}

/** GET /api/v2/key_rings pages (default 100): the most one page holds, more rings than an instance has in practice. */
const RINGS_MAX = 5000;

const ringsTable = (rings: readonly KeyRing[]) =>
  renderTable(rings, [
    { header: 'key ring', value: (r) => r.id },
    { header: 'created', value: (r) => r.creationDate },
    { header: 'created by', value: (r) => r.createdBy },
  ]);

/** `keyledger rings list|create|delete`: the key rings of an instance (`ibmcloud kp key-rings`). */
export function registerRings(program: Command, cli: Cli): void {
  const rings = program.command('rings').description('list, create and delete key rings');

  rings
    .command('list')
    .description("list the instance's key rings, default first (GET /api/v2/key_rings)")
    .action(
      cli.act(async (run) => {
        const found = resourcesOf<KeyRing>(
          (await run.client.call('GET', '/api/v2/key_rings', { instance: run.instance, query: { limit: RINGS_MAX } }))
            .body,
        );
        run.print({ json: found, table: () => ringsTable(found) });
      }),
    );

  rings
    .command('create')
    .description('create a key ring (POST /api/v2/key_rings/{id}), then show it (GET /api/v2/key_rings)')
    .argument('<id>', '2-100 letters, digits and -')
    .action(
      cli.act(async (run, id) => {
        // Key Protect answers the creation with 201 and no body: the ring is read back from the listing.
        await run.client.call('POST', `/api/v2/key_rings/${segment(id)}`, { instance: run.instance });
        const listed = resourcesOf<KeyRing>(
          (await run.client.call('GET', '/api/v2/key_rings', { instance: run.instance, query: { limit: RINGS_MAX } }))
            .body,
        );
        const created = listed.filter((r) => r.id === id);
        const ring = created[0] ?? { id };
        run.print({ json: ring, table: () => ringsTable([ring]) });
      }),
    );

  rings
    .command('delete')
    .description('delete an empty key ring (DELETE /api/v2/key_rings/{id})')
    .argument('<id>', 'the key ring')
    .option('-f, --force', 'also when it holds only destroyed keys (they move to default)')
    .action(
      cli.act(async (run, id) => {
        await run.client.call('DELETE', `/api/v2/key_rings/${segment(id)}`, {
          instance: run.instance,
          query: { force: run.options.force === true ? true : undefined },
        });
        run.print({ json: { id, action: 'delete' }, table: () => `Key ring ${id} deleted.` });
      }),
    );
}
