import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import type { KeyledgerConfig } from '../config.ts';

/** Source of every event keyledger publishes; detail-types are the webhook types (`key.created`, ...). */
export const EVENT_SOURCE = 'keyledger';

export interface EventBusProps {
  readonly config: KeyledgerConfig;
}

/** The EventBridge bus consumers subscribe to for key-state events; the projector publishes to it. */
export class KeyStateEventBus extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: EventBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: `keyledger-${props.config.stage}-key-state`,
      description: 'keyledger key-state events (key.created, key.rotated, key.deleted, ...)',
    });
  }
}
