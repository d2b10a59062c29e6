import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/**
 * Key Protect's limit of aliases in one instance (IBM Cloud Docs, "Creating key aliases": at most 1,000
 * per instance; the reason code for it is not documented). The alias index is one stream per (instance, alias), so no
 * alias stream can count them: the alias quota is one stream per instance, `alias-quota:<instanceId>`,
 * appended in the same atomic commit as every claim and release of the alias index. Its expected version
 * makes the count exact under concurrency: two claims of the 1,000th slot cannot both commit.
 */
export const MAX_ALIASES_PER_INSTANCE = 1000;

/** How many aliases the instance's alias index holds (aliases of purged keys are released with the purge). */
export interface AliasQuotaState {
  readonly used: number;
}

/** Takes `count` slots for aliases being claimed; 400 KEY_ALIAS_QUOTA_ERR past the instance's limit. */
export interface TakeAliasQuota {
  readonly type: 'TakeAliasQuota';
  readonly count: number;
  readonly now: string;
  readonly principalId: string;
}

/** Returns `count` slots of aliases being released. */
export interface ReturnAliasQuota {
  readonly type: 'ReturnAliasQuota';
  readonly count: number;
  readonly now: string;
  readonly principalId: string;
}

export type AliasQuotaCommand = TakeAliasQuota | ReturnAliasQuota;

type E<T extends string> = { readonly type: T; readonly data: { readonly count: number }; readonly meta: EventStamp };
export type AliasQuotaEvent = E<'AliasQuotaTaken'> | E<'AliasQuotaReturned'>;

function take(command: TakeAliasQuota, state: AliasQuotaState): AliasQuotaEvent[] {
  if (command.count <= 0) return [];
  if (state.used + command.count > MAX_ALIASES_PER_INSTANCE) {
    throw new DomainError(
      'KEY_ALIAS_QUOTA_ERR',
      `An instance can have at most ${MAX_ALIASES_PER_INSTANCE} aliases (it has ${state.used})`,
    );
  }
  return [
    {
      type: 'AliasQuotaTaken',
      data: { count: command.count },
      meta: { time: command.now, principalId: command.principalId },
    },
  ];
}

function give(command: ReturnAliasQuota): AliasQuotaEvent[] {
  if (command.count <= 0) return [];
  return [
    {
      type: 'AliasQuotaReturned',
      data: { count: command.count },
      meta: { time: command.now, principalId: command.principalId },
    },
  ];
}

export const aliasQuotaDecider: Decider<AliasQuotaState, AliasQuotaCommand, AliasQuotaEvent> = {
  initialState: () => ({ used: 0 }),
  decide(command, state) {
    switch (command.type) {
      case 'TakeAliasQuota':
        return take(command, state);
      case 'ReturnAliasQuota':
        return give(command);
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${String((unhandled as { type?: unknown }).type)}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AliasQuotaTaken':
        return { used: state.used + event.data.count };
      case 'AliasQuotaReturned':
        // Aliases claimed before the quota was kept were never counted: their release cannot go below zero.
        return { used: Math.max(0, state.used - event.data.count) };
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${String((unhandled as { type?: unknown }).type)}`);
      }
    }
  },
};
