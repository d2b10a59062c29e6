import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';
import type { WrappedMaterial } from '../keys/events.ts';

/**
 * A webhook subscription of an instance: where key-state events are delivered, which types, and the
 * HMAC secret (kept only wrapped under the HSM master key, like every other secret in an event).
 */
export interface SubscriptionFacts {
  readonly subscriptionId: string;
  readonly instanceId: string;
  readonly url: string;
  /** Public event types (`key.created`, ...); empty = every type. */
  readonly events: readonly string[];
  readonly secret: WrappedMaterial;
}

export type SubscriptionState =
  | { readonly status: 'Absent' }
  | ({ readonly status: 'Active'; readonly createdAt: string } & SubscriptionFacts)
  | { readonly status: 'Deleted'; readonly subscriptionId: string; readonly instanceId: string };

export type SubscriptionCommand =
  | ({ readonly type: 'CreateSubscription'; readonly now: string; readonly principalId: string } & SubscriptionFacts)
  | {
      readonly type: 'DeleteSubscription';
      readonly instanceId: string;
      readonly now: string;
      readonly principalId: string;
    };

export type SubscriptionEvent =
  | { readonly type: 'SubscriptionCreated'; readonly data: SubscriptionFacts; readonly meta: EventStamp }
  | { readonly type: 'SubscriptionDeleted'; readonly data: Readonly<Record<string, never>>; readonly meta: EventStamp };

function notFound(): DomainError {
  return new DomainError('SUBSCRIPTION_NOT_FOUND_ERR', 'Subscription does not exist');
}

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
            meta: { time: command.now, principalId: command.principalId },
          },
        ];
      }
      case 'DeleteSubscription':
        // Another instance's subscription answers like a missing one: no existence oracle.
        if (state.status !== 'Active' || state.instanceId !== command.instanceId) throw notFound();
        return [
          { type: 'SubscriptionDeleted', data: {}, meta: { time: command.now, principalId: command.principalId } },
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
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${String(unhandled)}`);
      }
    }
  },
};
