import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/**
 * The alias index: one stream per (instance, alias), `alias:<instanceId>:<alias>`, appended in the
 * same atomic commit as the key's AliasAdded/AliasRemoved. Its expected version is what makes an
 * alias unique in an instance: two keys claiming one alias at once cannot both commit.
 */
export type AliasIndexState =
  | { readonly status: 'Free' }
  | { readonly status: 'Taken'; readonly keyId: string; readonly since: string; readonly by: string };

export interface ClaimAlias {
  readonly type: 'ClaimAlias';
  readonly alias: string;
  readonly keyId: string;
  /**
   * Whether the key the index names still holds the alias (the application reads that key). A
   * holder that was purged no longer holds it, so its alias can be taken.
   */
  readonly holderStillHoldsIt: boolean;
  readonly now: string;
  readonly principalId: string;
}

export interface ReleaseAlias {
  readonly type: 'ReleaseAlias';
  readonly alias: string;
  readonly keyId: string;
  readonly now: string;
  readonly principalId: string;
}

export type AliasIndexCommand = ClaimAlias | ReleaseAlias;

type E<T extends string> = {
  readonly type: T;
  readonly data: { readonly alias: string; readonly keyId: string };
  readonly meta: EventStamp;
};
export type AliasIndexEvent = E<'AliasClaimed'> | E<'AliasReleased'>;

function claim(command: ClaimAlias, state: AliasIndexState): AliasIndexEvent[] {
  if (state.status === 'Taken' && state.keyId === command.keyId) return [];
  if (state.status === 'Taken' && command.holderStillHoldsIt) {
    throw new DomainError(
      'DUPLICATE_ALIAS_ERR',
      `The alias "${command.alias}" already identifies another key in this instance`,
    );
  }
  return [
    {
      type: 'AliasClaimed',
      data: { alias: command.alias, keyId: command.keyId },
      meta: { time: command.now, principalId: command.principalId },
    },
  ];
}

function release(command: ReleaseAlias, state: AliasIndexState): AliasIndexEvent[] {
  if (state.status !== 'Taken' || state.keyId !== command.keyId) return [];
  return [
    {
      type: 'AliasReleased',
      data: { alias: command.alias, keyId: command.keyId },
      meta: { time: command.now, principalId: command.principalId },
    },
  ];
}

export const aliasIndexDecider: Decider<AliasIndexState, AliasIndexCommand, AliasIndexEvent> = {
  initialState: () => ({ status: 'Free' }),
  decide(command, state) {
    switch (command.type) {
      case 'ClaimAlias':
        return claim(command, state);
      case 'ReleaseAlias':
        return release(command, state);
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${String((unhandled as { type?: unknown }).type)}`);
      }
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'AliasClaimed':
        return { status: 'Taken', keyId: event.data.keyId, since: event.meta.time, by: event.meta.principalId };
      case 'AliasReleased':
        return { status: 'Free' };
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${String((unhandled as { type?: unknown }).type)}`);
      }
    }
  },
};
