import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import type { Cli, Invocation } from '../context.ts';
import { list, segment, wholeNumber } from '../context.ts';
import { usageError } from '../exit-codes.ts';
import { cellText, renderTable } from '../output/table.ts';
import { resourcesOf } from './key-view.ts';

const POLICY_TYPE = 'application/vnd.ibm.kms.policy+json';

interface KeyPolicy {
  readonly rotation?: { readonly enabled: boolean; readonly interval_month?: number };
  readonly dualAuthDelete?: { readonly enabled: boolean };
}

interface InstancePolicy {
  readonly policy_type: string;
  readonly policy_data: { readonly enabled: boolean; readonly attributes?: Record<string, unknown> };
  readonly lastUpdated?: string;
}

function keyPoliciesTable(policies: readonly KeyPolicy[]): string {
  return renderTable(policies, [
    { header: 'policy', value: (p) => (p.rotation ? 'rotation' : 'dualAuthDelete') },
    { header: 'enabled', value: (p) => (p.rotation ?? p.dualAuthDelete)?.enabled },
    { header: 'interval (months)', value: (p) => p.rotation?.interval_month },
  ]);
}

function printKeyPolicies(run: Invocation, body: unknown): void {
  const policies = resourcesOf<KeyPolicy>(body);
  run.print({ json: policies, table: () => keyPoliciesTable(policies) });
}

function onOff(value: string): boolean {
  if (/^(true|on|yes)$/i.test(value)) return true;
  if (/^(false|off|no)$/i.test(value)) return false;
  throw new InvalidArgumentError('must be on or off.');
}

/** `keyledger policies show|set|instance|instance-set`: key and instance policies (`ibmcloud kp key policies`). */
export function registerPolicies(program: Command, cli: Cli): void {
  const policies = program.command('policies').description('show and set key and instance policies');

  policies
    .command('show')
    .description("show a key's rotation and dual authorization policies (GET /api/v2/keys/{id}/policies)")
    .argument('<key>', 'key id or alias')
    .action(
      cli.act(async (run, key) => {
        printKeyPolicies(
          run,
          (await run.client.call('GET', `/api/v2/keys/${segment(key)}/policies`, { instance: run.instance })).body,
        );
      }),
    );

  policies
    .command('set')
    .description("set a key's rotation and/or dual authorization policy (PUT /api/v2/keys/{id}/policies)")
    .argument('<key>', 'key id or alias')
    .addOption(
      new Option('--rotation-interval <months>', 'rotate the root key every 1-12 months').argParser(wholeNumber),
    )
    .addOption(new Option('--rotation <on|off>', 'turn the rotation policy on or off').argParser(onOff))
    .addOption(new Option('--dual-auth-delete <on|off>', 'require two people to delete the key').argParser(onOff))
    .action(
      cli.act(async (run, key) => {
        const o = run.opts<{ rotationInterval?: number; rotation?: boolean; dualAuthDelete?: boolean }>();
        const resources: KeyPolicy[] = [];
        if (o.rotationInterval !== undefined || o.rotation !== undefined)
          resources.push({ rotation: { enabled: o.rotation ?? true, interval_month: o.rotationInterval } });
        if (o.dualAuthDelete !== undefined) resources.push({ dualAuthDelete: { enabled: o.dualAuthDelete } });
        if (resources.length === 0)
          throw usageError('name a policy: --rotation-interval, --rotation or --dual-auth-delete');
        const res = await run.client.call('PUT', `/api/v2/keys/${segment(key)}/policies`, {
          instance: run.instance,
          body: {
            metadata: { collectionType: POLICY_TYPE, collectionTotal: resources.length },
            resources: resources.map((r) => ({ type: POLICY_TYPE, ...r })),
          },
        });
        printKeyPolicies(run, res.body);
      }),
    );

  policies
    .command('instance')
    .description("show the instance's policies (GET /api/v2/instance/policies)")
    .action(
      cli.act(async (run) => {
        const res = await run.client.call('GET', '/api/v2/instance/policies', { instance: run.instance });
        const found = resourcesOf<InstancePolicy>(res.body);
        run.print({
          json: found,
          table: () =>
            renderTable(found, [
              { header: 'policy', value: (p) => p.policy_type },
              { header: 'enabled', value: (p) => p.policy_data.enabled },
              {
                header: 'attributes',
                value: (p) =>
                  Object.entries(p.policy_data.attributes ?? {})
                    .map(([k, v]) => `${k}=${cellText(v)}`)
                    .join(' '),
              },
              { header: 'updated', value: (p) => p.lastUpdated },
            ]),
        });
      }),
    );

  policies
    .command('instance-set')
    .description('set one instance policy (PUT /api/v2/instance/policies?policy=...)')
    .addArgument(
      new Argument('<policy>', 'the policy').choices([
        'dualAuthDelete',
        'rotation',
        'allowedNetwork',
        'allowedIP',
        'metrics',
      ]),
    )
    .addOption(new Option('--enabled <on|off>', 'turn the policy on or off').argParser(onOff).makeOptionMandatory())
    .addOption(
      new Option('--interval-month <months>', 'rotation: the default rotation interval').argParser(wholeNumber),
    )
    .addOption(
      new Option('--allowed-network <network>', 'allowedNetwork').choices(['public-and-private', 'private-only']),
    )
    .option('--allowed-ip <cidrs>', 'allowedIP: IPv4/IPv6 CIDRs, comma-separated')
    .action(
      cli.act(async (run, policy) => {
        const o = run.opts<{ enabled: boolean; intervalMonth?: number; allowedNetwork?: string; allowedIp?: string }>();
        const attributes = {
          interval_month: o.intervalMonth,
          allowed_network: o.allowedNetwork,
          allowed_ip: list(o.allowedIp),
        };
        const hasAttributes = Object.values(attributes).some((v) => v !== undefined);
        await run.client.call('PUT', '/api/v2/instance/policies', {
          instance: run.instance,
          query: { policy },
          body: {
            metadata: { collectionType: POLICY_TYPE, collectionTotal: 1 },
            resources: [
              { policy_type: policy, policy_data: { enabled: o.enabled, ...(hasAttributes ? { attributes } : {}) } },
            ],
          },
        });
        run.print({
          json: { policy, enabled: o.enabled },
          table: () => `Instance policy ${policy} ${o.enabled ? 'enabled' : 'disabled'}.`,
        });
      }),
    );
}
