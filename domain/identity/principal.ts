import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/**
 * A principal: a user or service identity that authenticates with API keys. It tracks the hashes of
 * its API keys, so revoking "its API key" revokes every key it holds at once.
 */
export type PrincipalState =
  | { readonly status: 'Absent' }
  | {
      readonly status: 'Active' | 'Deleted';
      readonly principalId: string;
      readonly name: string;
      readonly admin: boolean;
      readonly createdAt: string;
      /** Hashes of the API keys issued to it and not revoked. */
      readonly apiKeyHashes: readonly string[];
    };

export type PrincipalCommand =
  | {
      readonly type: 'CreatePrincipal';
      readonly principalId: string;
      readonly name: string;
      readonly admin: boolean;
      /** The first API key's hash: a principal never exists without a way to authenticate. */
      readonly keyHash: string;
      readonly now: string;
      readonly principalIdOfCaller: string;
    }
  | { readonly type: 'AddApiKey'; readonly keyHash: string; readonly now: string; readonly principalIdOfCaller: string }
  | { readonly type: 'RevokeApiKeys'; readonly now: string; readonly principalIdOfCaller: string }
  | { readonly type: 'DeletePrincipal'; readonly now: string; readonly principalIdOfCaller: string };

export type PrincipalEvent =
  | {
      readonly type: 'PrincipalCreated';
      readonly data: { readonly principalId: string; readonly name: string; readonly admin: boolean };
      readonly meta: EventStamp;
    }
  | { readonly type: 'PrincipalApiKeyAdded'; readonly data: { readonly keyHash: string }; readonly meta: EventStamp }
  | {
      readonly type: 'PrincipalApiKeysRevoked';
      readonly data: { readonly keyHashes: readonly string[] };
      readonly meta: EventStamp;
    }
  | { readonly type: 'PrincipalDeleted'; readonly data: Record<string, never>; readonly meta: EventStamp };

export class PrincipalNotFoundError extends DomainError {
  constructor() {
    super('PRINCIPAL_NOT_FOUND_ERR', 'Principal does not exist');
    this.name = 'PrincipalNotFoundError';
  }
}

type Existing = Exclude<PrincipalState, { status: 'Absent' }>;

function active(state: PrincipalState): Existing & { status: 'Active' } {
  if (state.status !== 'Active') throw new PrincipalNotFoundError();
  return state as Existing & { status: 'Active' };
}

export const principalDecider: Decider<PrincipalState, PrincipalCommand, PrincipalEvent> = {
  initialState: () => ({ status: 'Absent' }),
  decide(command, state) {
    const meta = { time: command.now, principalId: command.principalIdOfCaller };
    switch (command.type) {
      case 'CreatePrincipal':
        if (state.status !== 'Absent') throw new DomainError('CONFLICT_ERR', 'principal already exists');
        return <PrincipalEvent[]>[
          {
            type: 'PrincipalCreated',
            data: { principalId: command.principalId, name: command.name, admin: command.admin },
            meta,
          },
          { type: 'PrincipalApiKeyAdded', data: { keyHash: command.keyHash }, meta },
        ];
      case 'AddApiKey':
        active(state);
        return [{ type: 'PrincipalApiKeyAdded', data: { keyHash: command.keyHash }, meta }];
      case 'RevokeApiKeys': {
        const principal = active(state);
        // The administrator's key is the only way in to /admin/v1: revoking it would lock the service.
        if (principal.admin)
          throw new DomainError('FEATURE_RESTRICTED_ERR', "The service administrator's API key cannot be revoked");
        return principal.apiKeyHashes.length === 0
          ? []
          : [{ type: 'PrincipalApiKeysRevoked', data: { keyHashes: [...principal.apiKeyHashes] }, meta }];
      }
      case 'DeletePrincipal': {
        const principal = active(state);
        if (principal.admin)
          throw new DomainError('FEATURE_RESTRICTED_ERR', 'The service administrator cannot be deleted');
        const events: PrincipalEvent[] = [];
        if (principal.apiKeyHashes.length)
          events.push({ type: 'PrincipalApiKeysRevoked', data: { keyHashes: [...principal.apiKeyHashes] }, meta });
        events.push({ type: 'PrincipalDeleted', data: {}, meta });
        return events;
      }
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${JSON.stringify(unhandled)}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PrincipalCreated':
        return { status: 'Active', ...event.data, createdAt: event.meta.time, apiKeyHashes: [] };
      case 'PrincipalApiKeyAdded':
        return state.status === 'Absent'
          ? state
          : { ...state, apiKeyHashes: [...state.apiKeyHashes, event.data.keyHash] };
      case 'PrincipalApiKeysRevoked':
        return state.status === 'Absent'
          ? state
          : { ...state, apiKeyHashes: state.apiKeyHashes.filter((h) => !event.data.keyHashes.includes(h)) };
      case 'PrincipalDeleted':
        return state.status === 'Absent' ? state : { ...state, status: 'Deleted' };
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  },
};
