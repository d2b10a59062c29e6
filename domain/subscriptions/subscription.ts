import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';
import type { WrappedMaterial } from '../keys/events.ts';

/**
 * A webhook subscription of an instance: where key-state events are delivered, which types, and the
 * signing secret (Standard Webhooks, `whsec_...`; kept only wrapped under the HSM master key, like every
 * other secret in an event). A rotation replaces the secret; the replaced one keeps signing next to it
 * until its overlap ends, so consumers switch without a gap.
 */
export interface SubscriptionFacts {
  readonly subscriptionId: string;
  readonly instanceId: string;
  readonly url: string;
  /** Public event types (`key.created`, ...); empty = every type. */
  readonly events: readonly string[];
  readonly secret: WrappedMaterial;
}

/** After a rotation the previous secret signs too, until `validUntil`, so consumers can switch without a gap. */
export interface PreviousSecret {
  readonly secret: WrappedMaterial;
  readonly validUntil: string;
}

export type SubscriptionState =
  | { readonly status: 'Absent' }
  | ({
      readonly status: 'Active';
      readonly createdAt: string;
      readonly previousSecret?: PreviousSecret | undefined;
    } & SubscriptionFacts)
  | { readonly status: 'Deleted'; readonly subscriptionId: string; readonly instanceId: string };

interface Stamped {
  readonly now: string;
  readonly principalId: string;
}

export type SubscriptionCommand =
  | ({ readonly type: 'CreateSubscription' } & Stamped & SubscriptionFacts)
  | ({ readonly type: 'DeleteSubscription'; readonly instanceId: string } & Stamped)
  | ({
      readonly type: 'RotateSubscriptionSecret';
      readonly instanceId: string;
      readonly secret: WrappedMaterial;
      /** Until when the secret being replaced still signs. */
      readonly previousValidUntil: string;
    } & Stamped);

export type SubscriptionEvent =
  | { readonly type: 'SubscriptionCreated'; readonly data: SubscriptionFacts; readonly meta: EventStamp }
  | { readonly type: 'SubscriptionDeleted'; readonly data: Readonly<Record<string, never>>; readonly meta: EventStamp }
  | {
      readonly type: 'SubscriptionSecretRotated';
      readonly data: { readonly secret: WrappedMaterial; readonly previousValidUntil: string };
      readonly meta: EventStamp;
    };

function notFound(): DomainError {
  return new DomainError('SUBSCRIPTION_NOT_FOUND_ERR', 'Subscription does not exist');
}

/** Another instance's subscription answers like a missing one: no existence oracle. */
function requireActive(state: SubscriptionState, instanceId: string): void {
  if (state.status !== 'Active' || state.instanceId !== instanceId) throw notFound();
}

const stamp = (command: Stamped): EventStamp => ({ time: command.now, principalId: command.principalId });

export const subscriptionDecider: Decider<SubscriptionState, SubscriptionCommand, SubscriptionEvent> = {
  initialState: () => ({ status: 'Absent' }),
  decide(command, state) {
    switch (command.type) {
      case 'CreateSubscription': {
        if (state.status !== 'Absent') throw new DomainError('CONFLICT_ERR', 'subscription already exists');
        const { subscriptionId, instanceId, url, events, secret } = command;
        return [
          {
            type: 'SubscriptionCreated',
            data: { subscriptionId, instanceId, url, events, secret },
            meta: stamp(command),
          },
        ];
      }
      case 'DeleteSubscription':
        requireActive(state, command.instanceId);
        return [{ type: 'SubscriptionDeleted', data: {}, meta: stamp(command) }];
      case 'RotateSubscriptionSecret':
        requireActive(state, command.instanceId);
        return [
          {
            type: 'SubscriptionSecretRotated',
            data: { secret: command.secret, previousValidUntil: command.previousValidUntil },
            meta: stamp(command),
          },
        ];
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${String(unhandled)}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'SubscriptionCreated':
        return { status: 'Active', ...event.data, createdAt: event.meta.time };
      case 'SubscriptionDeleted':
        return state.status === 'Active'
          ? { status: 'Deleted', subscriptionId: state.subscriptionId, instanceId: state.instanceId }
          : state;
      case 'SubscriptionSecretRotated':
        return state.status === 'Active'
          ? {
              ...state,
              secret: event.data.secret,
              previousSecret: { secret: state.secret, validUntil: event.data.previousValidUntil },
            }
          : state;
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${String(unhandled)}`);
      }
    }
  },
};
