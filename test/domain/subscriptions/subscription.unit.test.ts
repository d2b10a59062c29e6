import { describe, it } from 'node:test';
import { subscriptionDecider, type SubscriptionEvent } from '../../../domain/subscriptions/subscription.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

const spec = DeciderSpecification(subscriptionDecider);
const I = 'instance-1';
const facts = {
  subscriptionId: 's-1',
  instanceId: I,
  url: 'http://127.0.0.1:9/hook',
  events: ['key.created'],
  secret: { masterKeyId: 'm', wrapped: 'AAAA' },
};
const meta = { time: '2025-01-01T00:00:00.000Z', principalId: 'admin' };
const created: SubscriptionEvent = { type: 'SubscriptionCreated', data: facts, meta };

void describe('subscription decider', () => {
  void it('creates a subscription', () => {
    spec
      .given([])
      .when({ type: 'CreateSubscription', ...facts, now: meta.time, principalId: 'admin' })
      .then([created]);
  });
  void it('refuses to create one twice', () => {
    spec
      .given([created])
      .when({ type: 'CreateSubscription', ...facts, now: meta.time, principalId: 'admin' })
      .thenThrows('CONFLICT_ERR');
  });
  void it('deletes an active subscription of the instance', () => {
    spec
      .given([created])
      .when({ type: 'DeleteSubscription', instanceId: I, now: meta.time, principalId: 'admin' })
      .then([{ type: 'SubscriptionDeleted', data: {}, meta }]);
  });
  void it("answers not found for a missing, deleted, or other instance's subscription", () => {
    const del = { type: 'DeleteSubscription' as const, instanceId: I, now: meta.time, principalId: 'admin' };
    spec.given([]).when(del).thenThrows('SUBSCRIPTION_NOT_FOUND_ERR');
    spec
      .given([created, { type: 'SubscriptionDeleted', data: {}, meta }])
      .when(del)
      .thenThrows('SUBSCRIPTION_NOT_FOUND_ERR');
    spec
      .given([created])
      .when({ ...del, instanceId: 'instance-2' })
      .thenThrows('SUBSCRIPTION_NOT_FOUND_ERR');
  });
  void it('rotates the secret of an active subscription of the instance, keeping the replaced one until a time', () => {
    const rotate = {
      type: 'RotateSubscriptionSecret' as const,
      instanceId: I,
      secret: { masterKeyId: 'm', wrapped: 'BBBB' },
      previousValidUntil: '2025-01-02T00:00:00.000Z',
      now: meta.time,
      principalId: 'admin',
    };
    spec
      .given([created])
      .when(rotate)
      .then([
        {
          type: 'SubscriptionSecretRotated',
          data: { secret: { masterKeyId: 'm', wrapped: 'BBBB' }, previousValidUntil: '2025-01-02T00:00:00.000Z' },
          meta,
        },
      ]);
    spec.given([]).when(rotate).thenThrows('SUBSCRIPTION_NOT_FOUND_ERR');
    spec
      .given([created])
      .when({ ...rotate, instanceId: 'instance-2' })
      .thenThrows('SUBSCRIPTION_NOT_FOUND_ERR');
    spec
      .given([created, { type: 'SubscriptionDeleted', data: {}, meta }])
      .when(rotate)
      .thenThrows('SUBSCRIPTION_NOT_FOUND_ERR');
  });
});
