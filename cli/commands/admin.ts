import { Option, type Command } from 'commander';
import type { Cli, Invocation } from '../context.ts';
import { list, segment, wholeNumber } from '../context.ts';
import { renderObject, renderTable } from '../output/table.ts';

/** Sends one admin request and prints its answer's fields (or `done` for an empty answer). */
async function adminCall(run: Invocation, method: string, path: string, done: string, body?: unknown): Promise<void> {
  const res = await run.client.call(method, path, { body });
  if (res.body === null) run.print({ json: { status: res.status }, table: () => done });
  else run.print({ json: res.body, table: () => renderObject(res.body) });
}

const principalOption = () => new Option('--principal <id>', 'the principal').makeOptionMandatory();

interface DeadLetter {
  readonly id: string;
  readonly event: { readonly type?: string };
  readonly attempts: number;
  readonly lastError: string;
  readonly deadLetteredAt: string;
}

interface Binding {
  readonly id: string;
  readonly principalId: string;
  readonly role: string;
  readonly keyRingId?: string;
  readonly keyId?: string;
  readonly createdAt?: string;
}

/**
 * The administration API (`/admin/v1`, service administrator only): `instance`, `principal`,
 * `access`, `signing-key` and `subscription` commands.
 */
export function registerAdmin(program: Command, cli: Cli): void {
  const instance = program.command('instance').description('service instances (administration)');
  instance
    .command('create')
    .description('create a service instance (POST /admin/v1/instances)')
    .requiredOption('--name <name>', 'its name')
    .action(cli.act((run) => adminCall(run, 'POST', '/admin/v1/instances', '', { name: run.options.name })));

  const principal = program.command('principal').description('principals and their API keys (administration)');
  principal
    .command('create')
    .description('create a principal; prints its API key once (POST /admin/v1/principals)')
    .requiredOption('--name <name>', 'its name')
    .action(cli.act((run) => adminCall(run, 'POST', '/admin/v1/principals', '', { name: run.options.name })));
  principal
    .command('issue-key')
    .description('issue a new API key to a principal; printed once (POST /admin/v1/principals/{id}/api-key)')
    .addOption(principalOption())
    .action(
      cli.act((run) =>
        adminCall(run, 'POST', `/admin/v1/principals/${segment(run.options.principal as string)}/api-key`, ''),
      ),
    );
  principal
    .command('revoke-key')
    .description('revoke every API key of a principal at once (DELETE /admin/v1/principals/{id}/api-key)')
    .addOption(principalOption())
    .action(
      cli.act((run) =>
        adminCall(
          run,
          'DELETE',
          `/admin/v1/principals/${segment(run.options.principal as string)}/api-key`,
          'API keys revoked.',
        ),
      ),
    );
  principal
    .command('delete')
    .description('delete a principal and revoke all its API keys (DELETE /admin/v1/principals/{id})')
    .addOption(principalOption())
    .action(
      cli.act((run) =>
        adminCall(
          run,
          'DELETE',
          `/admin/v1/principals/${segment(run.options.principal as string)}`,
          'Principal deleted.',
        ),
      ),
    );

  const access = program
    .command('access')
    .description('access bindings: roles of principals on an instance, key ring or key (administration)');
  access
    .command('grant')
    .description('grant a role on the instance, a key ring or a key (POST /admin/v1/instances/{id}/access)')
    .addOption(principalOption())
    .addOption(
      new Option('--role <role>', 'the role')
        .choices(['Reader', 'ReaderPlus', 'Writer', 'Manager', 'KeyPurge'])
        .makeOptionMandatory(),
    )
    .option('--key-ring <id>', 'only this key ring')
    .option('--key <id>', 'only this key (id or alias)')
    .action(
      cli.act((run) =>
        adminCall(run, 'POST', `/admin/v1/instances/${segment(run.instance)}/access`, '', {
          principalId: run.options.principal,
          role: run.options.role,
          keyRingId: run.options.keyRing,
          keyId: run.options.key,
        }),
      ),
    );
  access
    .command('list')
    .description("list the instance's access bindings (GET /admin/v1/instances/{id}/access)")
    .action(
      cli.act(async (run) => {
        const res = await run.client.call('GET', `/admin/v1/instances/${segment(run.instance)}/access`);
        const bindings = (res.body as { bindings: Binding[] }).bindings;
        run.print({
          json: res.body,
          table: () =>
            renderTable(bindings, [
              { header: 'binding', value: (b) => b.id },
              { header: 'principal', value: (b) => b.principalId },
              { header: 'role', value: (b) => b.role },
              {
                header: 'scope',
                value: (b) => (b.keyId ? `key ${b.keyId}` : b.keyRingId ? `key ring ${b.keyRingId}` : 'instance'),
              },
              { header: 'created', value: (b) => b.createdAt },
            ]),
        });
      }),
    );
  access
    .command('revoke')
    .description('remove an access binding (DELETE /admin/v1/instances/{id}/access/{bindingId})')
    .requiredOption('--binding <id>', 'the binding')
    .action(
      cli.act((run) =>
        adminCall(
          run,
          'DELETE',
          `/admin/v1/instances/${segment(run.instance)}/access/${segment(run.options.binding as string)}`,
          'Binding removed.',
        ),
      ),
    );

  program
    .command('signing-key')
    .description('the HSM key that signs access tokens (administration)')
    .command('rotate')
    .description(
      'rotate the token-signing key; live tokens keep working until they expire (POST /admin/v1/token-signing-keys)',
    )
    .action(cli.act((run) => adminCall(run, 'POST', '/admin/v1/token-signing-keys', '')));

  /** The subscription `--subscription` names, in the instance. */
  const subscriptionPath = (run: Invocation) =>
    `/admin/v1/instances/${segment(run.instance)}/subscriptions/${segment(run.options.subscription as string)}`;
  const subscription = program
    .command('subscription')
    .description("webhook subscriptions to an instance's key events (administration)");
  subscription
    .command('create')
    .description(
      'subscribe a URL to key-state events; prints its signing secret once (POST /admin/v1/instances/{id}/subscriptions)',
    )
    .requiredOption('--endpoint <url>', 'where to POST each event (http or https); --url is the server')
    .option('--events <types>', 'event types, comma-separated, e.g. key.rotated,key.deleted (default: all)')
    .action(
      cli.act((run) =>
        adminCall(run, 'POST', `/admin/v1/instances/${segment(run.instance)}/subscriptions`, '', {
          url: run.options.endpoint,
          events: list(run.options.events as string | undefined),
        }),
      ),
    );
  subscription
    .command('delete')
    .description('delete a subscription (DELETE /admin/v1/instances/{id}/subscriptions/{sid})')
    .requiredOption('--subscription <id>', 'the subscription')
    .action(cli.act((run) => adminCall(run, 'DELETE', subscriptionPath(run), 'Subscription deleted.')));
  subscription
    .command('rotate-secret')
    .description(
      'a new signing secret, printed once; the old one keeps signing next to it for the overlap (POST .../subscriptions/{sid}/secret)',
    )
    .requiredOption('--subscription <id>', 'the subscription')
    .option('--overlap <seconds>', 'how long the old secret keeps signing (default a day, at most a week)', wholeNumber)
    .action(
      cli.act((run) =>
        adminCall(run, 'POST', `${subscriptionPath(run)}/secret`, '', {
          overlapS: run.options.overlap as number | undefined,
        }),
      ),
    );
  subscription
    .command('dead-letters')
    .description(
      'deliveries given up after their last attempt, oldest first (GET .../subscriptions/{sid}/dead-letters)',
    )
    .requiredOption('--subscription <id>', 'the subscription')
    .action(
      cli.act(async (run) => {
        const res = await run.client.call('GET', `${subscriptionPath(run)}/dead-letters`);
        const { deadLetters } = res.body as { deadLetters: DeadLetter[] };
        run.print({
          json: deadLetters,
          table: () =>
            renderTable(deadLetters, [
              { header: 'dead letter', value: (d) => d.id },
              { header: 'event', value: (d) => d.event.type },
              { header: 'attempts', value: (d) => d.attempts },
              { header: 'last error', value: (d) => d.lastError },
              { header: 'since', value: (d) => d.deadLetteredAt },
            ]),
        });
      }),
    );
  subscription
    .command('redeliver')
    .description('queue a dead letter for delivery again (POST .../dead-letters/{id}/redeliver)')
    .requiredOption('--subscription <id>', 'the subscription')
    .requiredOption('--dead-letter <id>', 'the dead letter')
    .action(
      cli.act((run) =>
        adminCall(
          run,
          'POST',
          `${subscriptionPath(run)}/dead-letters/${segment(run.options.deadLetter as string)}/redeliver`,
          'Queued for delivery.',
        ),
      ),
    );
}
