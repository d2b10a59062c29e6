/**
 * What became of webhook deliveries that never got through: the sender gives a delivery up after its
 * last attempt and keeps it as a dead letter, which the administration API lists and queues again.
 * Adapter: the local server's webhook outbox (server/webhooks/webhook-outbox.ts). On AWS the projector
 * publishes to EventBridge instead, whose retry and dead-letter settings are EventBridge's own.
 */

/** A delivery given up after its last attempt. */
export interface DeadLetter {
  /** Names the dead letter in the administration API. */
  readonly id: string;
  /** The JSON event as it was sent (its `id` is the delivery's `webhook-id`). */
  readonly body: string;
  readonly attempts: number;
  /** What the last attempt got: `HTTP <status>` or a network error's code (never a response body). */
  readonly lastError: string;
  readonly deadLetteredAt: string;
}

export interface WebhookDeliveries {
  /** The subscription's dead letters, oldest first. */
  deadLetters(subscriptionId: string): Promise<readonly DeadLetter[]>;
  /**
   * Queues a dead letter again, at the end of its subscription's queue, with fresh attempts (it leaves
   * the dead letters). False when the subscription has no dead letter with that id.
   */
  redeliver(subscriptionId: string, deadLetterId: string): Promise<boolean>;
}
