import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/**
 * An API key, one stream per key named by the SHA-256 of the key, so authentication is one O(1)
 * read. Only the hash is ever stored.
 */
export type ApiKeyState =
  | { readonly status: 'Absent' }
  | {
      readonly status: 'Active' | 'Revoked';
      readonly principalId: string;
      readonly keyHash: string;
      readonly issuedAt: string;
    };

export type ApiKeyCommand =
  | {
      readonly type: 'IssueApiKey';
      readonly principalId: string;
      readonly keyHash: string;
      readonly now: string;
      readonly principalIdOfCaller: string;
    }
  | { readonly type: 'RevokeApiKey'; readonly now: string; readonly principalIdOfCaller: string };

export type ApiKeyEvent =
  | {
      readonly type: 'ApiKeyIssued';
      readonly data: { readonly principalId: string; readonly keyHash: string };
      readonly meta: EventStamp;
    }
  | { readonly type: 'ApiKeyRevoked'; readonly data: Record<string, never>; readonly meta: EventStamp };

export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  initialState: () => ({ status: 'Absent' }),
  decide(command, state) {
    const meta = { time: command.now, principalId: command.principalIdOfCaller };
    switch (command.type) {
      case 'IssueApiKey':
        if (state.status !== 'Absent') throw new DomainError('CONFLICT_ERR', 'API key already issued');
        return [{ type: 'ApiKeyIssued', data: { principalId: command.principalId, keyHash: command.keyHash }, meta }];
      case 'RevokeApiKey':
        if (state.status === 'Absent') throw new DomainError('KEY_NOT_FOUND_ERR', 'API key does not exist');
        return state.status === 'Revoked' ? [] : [{ type: 'ApiKeyRevoked', data: {}, meta }];
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${JSON.stringify(unhandled)}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ApiKeyIssued':
        return {
          status: 'Active',
          principalId: event.data.principalId,
          keyHash: event.data.keyHash,
          issuedAt: event.meta.time,
        };
      case 'ApiKeyRevoked':
        return state.status === 'Absent' ? state : { ...state, status: 'Revoked' };
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  },
};
