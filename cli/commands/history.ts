import type { Command } from 'commander';
import type { Cli } from '../context.ts';
import { segment } from '../context.ts';
import { cellText, renderTable } from '../output/table.ts';
import { keyFields, type KeyResource } from './key-view.ts';

/** One event of a key's history (GET /admin/v1/instances/{id}/keys/{keyId}/history). */
interface HistoryEvent {
  readonly version: number;
  readonly type: string;
  readonly time: string;
  readonly principalId: string;
  readonly data: Record<string, unknown>;
}

/** The event's facts in one cell: `name=x keyRingId=y ...`, nested values as JSON. */
function details(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([k]) => k !== 'keyId' && k !== 'instanceId')
    .map(([k, v]) => `${k}=${cellText(v)}`)
    .join(' ');
}

/** `keyledger history KEY [--at TIME]`: a key's lifecycle from its events (service administrator). */
export function registerHistory(program: Command, cli: Cli): void {
  program
    .command('history')
    .description(
      "a key's lifecycle, every event oldest first; with --at, the key as of that time (service administrator)",
    )
    .argument('<key>', 'key id')
    .option('--at <time>', 'show the key as it was at this time (RFC 3339)')
    .action(
      cli.act(async (run, key) => {
        const at = run.options.at as string | undefined;
        const res = await run.client.call(
          'GET',
          `/admin/v1/instances/${segment(run.instance)}/keys/${segment(key)}/history`,
          {
            query: { at },
          },
        );
        if (at !== undefined) {
          const asOf = (res.body as { key: KeyResource }).key;
          run.print({ json: asOf, table: () => keyFields(asOf) });
          return;
        }
        const events = (res.body as { events: HistoryEvent[] }).events;
        run.print({
          json: events,
          table: () =>
            renderTable(events, [
              { header: 'version', value: (e) => e.version },
              { header: 'time', value: (e) => e.time },
              { header: 'event', value: (e) => e.type },
              { header: 'principal', value: (e) => e.principalId },
              { header: 'details', value: (e) => details(e.data) },
            ]),
        });
      }),
    );
}
