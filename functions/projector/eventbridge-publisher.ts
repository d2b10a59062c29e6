import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PublicKeyEvent } from '../../events/public/key-state-event-schemas.ts';

/** Publishes key-state events (events/public); throws if any of them was not accepted. */
export type KeyStatePublisher = (events: readonly PublicKeyEvent[]) => Promise<void>;

/** Source of every event keyledger puts on the bus (cdk/constructs/event-bus.ts EVENT_SOURCE). */
export const KEY_STATE_EVENT_SOURCE = 'keyledger';
/** PutEvents takes at most 10 entries. */
const CHUNK = 10;

/**
 * EventBridge: detail-type = the event type (`key.rotated`), detail = the whole envelope, so a rule
 * can match on `detail.instanceId` or `detail.keyId`. Within one PutEvents the bus does not keep
 * order: consumers that need per-key order sort by `id` (`<keyId>/<version>`).
 */
export function eventBridgePublisher(client: EventBridgeClient, eventBusName: string): KeyStatePublisher {
  return async (events) => {
    for (let i = 0; i < events.length; i += CHUNK) {
      const entries = events.slice(i, i + CHUNK).map((e) => ({
        EventBusName: eventBusName,
        Source: KEY_STATE_EVENT_SOURCE,
        DetailType: e.type,
        Detail: JSON.stringify(e),
        Time: new Date(e.time),
      }));
      const out = await client.send(new PutEventsCommand({ Entries: entries }));
      if ((out.FailedEntryCount ?? 0) > 0)
        throw new Error(`EventBridge refused ${out.FailedEntryCount} of ${entries.length} key-state events`);
    }
  };
}
