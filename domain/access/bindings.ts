import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';
import type { Role } from './roles.ts';

/**
 * An instance's access bindings: one stream per instance. A binding gives a principal a role on the
 * whole instance, on one key ring, or on one key. Bindings only add; a principal's permissions are
 * the union of its bindings (the service administrator needs none).
 */
export type Scope =
  | { readonly kind: 'instance' }
  | { readonly kind: 'keyRing'; readonly keyRingId: string }
  | { readonly kind: 'key'; readonly keyId: string };

export interface Binding {
  readonly bindingId: string;
  readonly principalId: string;
  readonly role: Role;
  readonly scope: Scope;
  readonly grantedAt: string;
}

export type AccessState =
  { readonly status: 'Empty' } | { readonly status: 'Bound'; readonly bindings: Readonly<Record<string, Binding>> };

export type AccessCommand =
  | {
      readonly type: 'GrantAccess';
      readonly bindingId: string;
      readonly principalId: string;
      readonly role: Role;
      readonly scope: Scope;
      readonly now: string;
      readonly principalIdOfCaller: string;
    }
  | {
      readonly type: 'RevokeAccess';
      readonly bindingId: string;
      readonly now: string;
      readonly principalIdOfCaller: string;
    };

export type AccessEvent =
  | {
      readonly type: 'AccessGranted';
      readonly data: {
        readonly bindingId: string;
        readonly principalId: string;
        readonly role: Role;
        readonly scope: Scope;
      };
      readonly meta: EventStamp;
    }
  | { readonly type: 'AccessRevoked'; readonly data: { readonly bindingId: string }; readonly meta: EventStamp };

/** A binding no longer (or never) there. */
export class BindingNotFoundError extends DomainError {
  constructor() {
    super('BINDING_NOT_FOUND_ERR', 'Access binding does not exist');
    this.name = 'BindingNotFoundError';
  }
}

function bindingsOf(state: AccessState): Readonly<Record<string, Binding>> {
  return state.status === 'Bound' ? state.bindings : {};
}

function grant(command: Extract<AccessCommand, { type: 'GrantAccess' }>, state: AccessState): AccessEvent[] {
  if (Object.hasOwn(bindingsOf(state), command.bindingId))
    throw new DomainError('CONFLICT_ERR', 'access binding already exists');
  const { bindingId, principalId, role, scope } = command;
  return [
    {
      type: 'AccessGranted',
      data: { bindingId, principalId, role, scope },
      meta: { time: command.now, principalId: command.principalIdOfCaller },
    },
  ];
}

function revoke(command: Extract<AccessCommand, { type: 'RevokeAccess' }>, state: AccessState): AccessEvent[] {
  if (!Object.hasOwn(bindingsOf(state), command.bindingId)) throw new BindingNotFoundError();
  return [
    {
      type: 'AccessRevoked',
      data: { bindingId: command.bindingId },
      meta: { time: command.now, principalId: command.principalIdOfCaller },
    },
  ];
}

export const accessDecider: Decider<AccessState, AccessCommand, AccessEvent> = {
  initialState: () => ({ status: 'Empty' }),
  decide(command, state) {
    switch (command.type) {
      case 'GrantAccess':
        return grant(command, state);
      case 'RevokeAccess':
        return revoke(command, state);
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${JSON.stringify(unhandled)}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AccessGranted': {
        const binding: Binding = { ...event.data, grantedAt: event.meta.time };
        return { status: 'Bound', bindings: { ...bindingsOf(state), [event.data.bindingId]: binding } };
      }
      case 'AccessRevoked': {
        const { [event.data.bindingId]: _removed, ...rest } = bindingsOf(state);
        return { status: 'Bound', bindings: rest };
      }
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  },
};
