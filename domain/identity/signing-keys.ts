import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/**
 * The token-signing keys (one stream for the service). Tokens are signed with the current key; a
 * rotation makes a new key current and retires the old one, whose public half still verifies the
 * tokens it signed until they expire. The first key exists before any rotation (`initialKid`).
 */
export interface PublicSigningKey {
  readonly kid: string;
  /** SPKI DER, base64: the public half only (the private half never leaves the HSM). */
  readonly publicKey: string;
}

export type SigningKeysState =
  | { readonly status: 'Initial' }
  | {
      readonly status: 'Rotated';
      readonly current: PublicSigningKey & { readonly activatedAt: string };
      readonly retired: readonly (PublicSigningKey & { readonly retiredAt: string })[];
    };

export type SigningKeysCommand = {
  readonly type: 'RotateSigningKey';
  /** The key being retired (the current one) and the new one, as the HSM reports them. */
  readonly previous: PublicSigningKey;
  readonly next: PublicSigningKey;
  readonly now: string;
  readonly principalIdOfCaller: string;
};

export type SigningKeysEvent = {
  readonly type: 'TokenSigningKeyRotated';
  readonly data: { readonly previous: PublicSigningKey; readonly next: PublicSigningKey };
  readonly meta: EventStamp;
};

export function currentKid(state: SigningKeysState, initialKid: string): string {
  return state.status === 'Rotated' ? state.current.kid : initialKid;
}

export const signingKeysDecider: Decider<SigningKeysState, SigningKeysCommand, SigningKeysEvent> = {
  initialState: () => ({ status: 'Initial' }),
  decide(command, state) {
    switch (command.type) {
      case 'RotateSigningKey': {
        if (state.status === 'Rotated' && command.previous.kid !== state.current.kid)
          throw new DomainError('CONFLICT_ERR', 'the signing key was rotated meanwhile');
        const known =
          state.status === 'Rotated' ? [state.current.kid, ...state.retired.map((k) => k.kid)] : [command.previous.kid];
        if (known.includes(command.next.kid)) throw new DomainError('CONFLICT_ERR', 'a signing key id is never reused');
        return [
          {
            type: 'TokenSigningKeyRotated',
            data: { previous: command.previous, next: command.next },
            meta: { time: command.now, principalId: command.principalIdOfCaller },
          },
        ];
      }
      default: {
        const unhandled: never = command.type;
        throw new Error(`unhandled command ${String(unhandled)}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'TokenSigningKeyRotated': {
        const retired = state.status === 'Rotated' ? state.retired : [];
        return {
          status: 'Rotated',
          current: { ...event.data.next, activatedAt: event.meta.time },
          retired: [...retired, { ...event.data.previous, retiredAt: event.meta.time }],
        };
      }
      default: {
        const unhandled: never = event.type;
        throw new Error(`unhandled event ${String(unhandled)}`);
      }
    }
  },
};
