import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/** A service instance: the tenant boundary. Nothing of one instance is visible from another. */
export type InstanceState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Active'; readonly instanceId: string; readonly name: string; readonly createdAt: string };

export type InstanceCommand = {
  readonly type: 'CreateInstance';
  readonly instanceId: string;
  readonly name: string;
  readonly now: string;
  readonly principalIdOfCaller: string;
};

export type InstanceEvent = {
  readonly type: 'InstanceCreated';
  readonly data: { readonly instanceId: string; readonly name: string };
  readonly meta: EventStamp;
};

export const instanceDecider: Decider<InstanceState, InstanceCommand, InstanceEvent> = {
  initialState: () => ({ status: 'Absent' }),
  decide(command, state) {
    switch (command.type) {
      case 'CreateInstance':
        if (state.status !== 'Absent') throw new DomainError('CONFLICT_ERR', 'instance already exists');
        return [
          {
            type: 'InstanceCreated',
            data: { instanceId: command.instanceId, name: command.name },
            meta: { time: command.now, principalId: command.principalIdOfCaller },
          },
        ];
      default: {
        const unhandled: never = command.type;
        throw new Error(`unhandled command ${String(unhandled)}`);
      }
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'InstanceCreated':
        return { status: 'Active', ...event.data, createdAt: event.meta.time };
      default: {
        const unhandled: never = event.type;
        throw new Error(`unhandled event ${String(unhandled)}`);
      }
    }
  },
};
