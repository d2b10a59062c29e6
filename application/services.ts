import type { Hsm } from './ports/hsm.ts';
import type { KeyListReadModel } from './ports/key-list.ts';
import type { EventStore } from './ports/event-store.ts';
import type { Settings } from './settings.ts';
import type { WebhookDeliveries } from './ports/webhook-deliveries.ts';

/**
 * What the use cases need from the outside world. The clock and id generator live here, not in
 * domain/, so deciders stay pure and tests can pin time.
 */
export interface AppServices {
  readonly store: EventStore;
  readonly hsm: Hsm;
  readonly keyList: KeyListReadModel;
  readonly settings: Settings;
  /** Where a webhook sender runs (the local server); absent on AWS, where EventBridge delivers. */
  readonly webhookDeliveries?: WebhookDeliveries | undefined;
  /**
   * Resolves once the read models reflect every event appended before the call. On one machine the
   * projector runs in-process and this gives read-your-writes; on AWS the projector is a separate
   * Lambda and this resolves at once (listings are eventually consistent, typically within a second).
   */
  catchUpReadModels(): Promise<void>;
  now(): Date;
  newId(): string;
}
