import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/** A principal: a user or service identity that authenticates with API keys. */
export type PrincipalState =
  | { readonly status: 'Absent' }
  | { readonly status: 'Active'; readonly principalId: string; readonly name: string; readonly admin: boolean; readonly createdAt: string };

export type PrincipalCommand = {
  readonly type: 'CreatePrincipal';
  readonly principalId: string;
  readonly name: string;
  readonly admin: boolean;
  readonly now: string;
  readonly principalIdOfCaller: string;
};

export type PrincipalEvent = {
  readonly type: 'PrincipalCreated';
  readonly data: { readonly principalId: string; readonly name: string; readonly admin: boolean };
  readonly meta: EventStamp;
};

export const principalDecider: Decider<PrincipalState, PrincipalCommand, PrincipalEvent> = {
  initialState: () => ({ status: 'Absent' }),
  decide(command, state) {
    switch (command.type) {
      case 'CreatePrincipal':
        if (state.status !== 'Absent') throw new DomainError('CONFLICT_ERR', 'principal already exists');
        return [{
          type: 'PrincipalCreated',
          data: { principalId: command.principalId, name: command.name, admin: command.admin },
          meta: { time: command.now, principalId: command.principalIdOfCaller },
        }];
      default: {
        const unhandled: never = command.type;
        throw new Error(`unhandled command ${String(unhandled)}`);
      }
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'PrincipalCreated':
        return { status: 'Active', ...event.data, createdAt: event.meta.time };
      default: {
        const unhandled: never = event.type;
        throw new Error(`unhandled event ${String(unhandled)}`);
      }
    }
  },
};
