import {
  subscriptionDecider,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionState,
} from '../../domain/subscriptions/subscription.ts';
import { subscriptionCodec } from '../../events/schemas/subscriptions.ts';
import type { Aggregate } from '../command-handler.ts';

export const subscriptionAggregate: Aggregate<SubscriptionState, SubscriptionCommand, SubscriptionEvent> = {
  decider: subscriptionDecider,
  codec: subscriptionCodec,
  // 2: the state holds the previous secret after a rotation.
  snapshotVersion: 2,
};

export const subscriptionStreamId = (subscriptionId: string): string => `subscription:${subscriptionId}`;
