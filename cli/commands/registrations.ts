import { Option, type Command } from 'commander';
import type { Cli } from '../context.ts';
import { segment, wholeNumber } from '../context.ts';
import { renderTable } from '../output/table.ts';
import { resourcesOf } from './key-view.ts';

interface Registration {
  readonly keyId: string;
  readonly resourceCrn: string;
  readonly preventKeyDeletion?: boolean;
  readonly creationDate?: string;
  readonly description?: string;
}

/** `keyledger registrations list [KEY]`: cloud resources registered with keys (`ibmcloud kp registrations`). */
export function registerRegistrations(program: Command, cli: Cli): void {
  const registrations = program.command('registrations').description('list the resources registered with keys');

  registrations
    .command('list')
    .description('list the registrations of one key, or of every key (GET /api/v2/keys[/{id}]/registrations)')
    .argument('[key]', 'key id or alias (default: every key)')
    .option('-c, --crn-query <crn>', 'only resources whose CRN matches (* is a wildcard)')
    .addOption(new Option('-n, --number <n>', 'registrations per page').argParser(wholeNumber).default(200))
    .addOption(new Option('-s, --start <offset>', 'registrations to skip').argParser(wholeNumber).default(0))
    .action(
      cli.act(async (run, key) => {
        const path = key === undefined ? '/api/v2/keys/registrations' : `/api/v2/keys/${segment(key)}/registrations`;
        const res = await run.client.call('GET', path, {
          instance: run.instance,
          query: {
            urlEncodedResourceCRNQuery: run.options.crnQuery as string | undefined,
            limit: run.options.number as number,
            offset: run.options.start as number,
          },
        });
        const found = resourcesOf<Registration>(res.body);
        run.print({
          json: found,
          table: () =>
            renderTable(found, [
              { header: 'key id', value: (r) => r.keyId },
              { header: 'resource crn', value: (r) => r.resourceCrn },
              { header: 'prevents deletion', value: (r) => r.preventKeyDeletion },
              { header: 'created', value: (r) => r.creationDate },
            ]),
        });
      }),
    );
}
