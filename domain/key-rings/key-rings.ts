import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/**
 * The key rings of one instance: one stream per instance (`key-rings:<instanceId>`), so that
 * creating, deleting and listing rings read one head. The `default` ring is implicit: it exists in
 * every instance, cannot be created or deleted, and holds every key created without a ring.
 *
 * Key Protect's rules (SDK createKeyRing/deleteKeyRing, create-key-rings.md): an id is 2 to 100
 * characters, letters, digits and `-`; a ring is deleted only when it holds no keys, or with
 * `force=true` when every key left in it is Destroyed (those keys move to `default`).
 */
export const DEFAULT_KEY_RING = 'default';

const KEY_RING_ID = /^[A-Za-z0-9-]{2,100}$/;

/**
 * Key Protect: "The maximum amount of key rings is 50 per service instance", and its listing's default page of
 * 51 rings holds them with `default`; so 50 besides `default`.
 */
export const MAX_KEY_RINGS = 50;

export interface KeyRing {
  readonly id: string;
  readonly creationDate: string;
  readonly createdBy: string;
}

export type KeyRingsState =
  { readonly status: 'Empty' } | { readonly status: 'HasRings'; readonly rings: Readonly<Record<string, KeyRing>> };

export interface CreateKeyRing {
  readonly type: 'CreateKeyRing';
  readonly keyRingId: string;
  readonly now: string;
  readonly principalId: string;
}

export interface DeleteKeyRing {
  readonly type: 'DeleteKeyRing';
  readonly keyRingId: string;
  readonly force: boolean;
  /** Keys in the ring that are not Destroyed (from the key list; the application counts them). */
  readonly liveKeys: number;
  /** Destroyed keys in the ring; with force they move to `default`. */
  readonly destroyedKeys: number;
  readonly now: string;
  readonly principalId: string;
}

export type KeyRingsCommand = CreateKeyRing | DeleteKeyRing;

type E<T extends string, D> = { readonly type: T; readonly data: D; readonly meta: EventStamp };

export type KeyRingsEvent =
  | E<'KeyRingCreated', { readonly keyRingId: string }>
  | E<'KeyRingDeleted', { readonly keyRingId: string; readonly force: boolean }>;

/** Why `id` is not a valid key ring id, or null. */
export function keyRingIdProblem(id: string): string | null {
  if (!KEY_RING_ID.test(id)) return 'a key ring id has 2 to 100 characters: letters, digits and -';
  return null;
}

function ringsOf(state: KeyRingsState): Readonly<Record<string, KeyRing>> {
  return state.status === 'HasRings' ? state.rings : {};
}

/** True when `keyRingId` names a ring of this instance (always for `default`). */
export function keyRingExists(state: KeyRingsState, keyRingId: string): boolean {
  return keyRingId === DEFAULT_KEY_RING || Object.hasOwn(ringsOf(state), keyRingId);
}

function createKeyRing(command: CreateKeyRing, state: KeyRingsState): KeyRingsEvent[] {
  const problem = keyRingIdProblem(command.keyRingId);
  if (problem !== null) throw new DomainError('INVALID_FIELD_ERR', `The field 'key-ring-id' must be valid: ${problem}`);
  if (keyRingExists(state, command.keyRingId))
    throw new DomainError('CONFLICT_ERR', `Key ring ${command.keyRingId} already exists`);
  if (Object.keys(ringsOf(state)).length >= MAX_KEY_RINGS)
    throw new DomainError(
      'KEY_RING_QUOTA_ERR',
      `An instance can have at most ${MAX_KEY_RINGS} key rings besides default`,
    );
  return [
    {
      type: 'KeyRingCreated',
      data: { keyRingId: command.keyRingId },
      meta: { time: command.now, principalId: command.principalId },
    },
  ];
}

function deleteKeyRing(command: DeleteKeyRing, state: KeyRingsState): KeyRingsEvent[] {
  if (command.keyRingId === DEFAULT_KEY_RING)
    throw new DomainError('FEATURE_RESTRICTED_ERR', 'The default key ring cannot be deleted');
  if (!keyRingExists(state, command.keyRingId))
    throw new DomainError('KEY_RING_NOT_FOUND_ERR', 'Key ring does not exist');
  if (command.liveKeys > 0 || (command.destroyedKeys > 0 && !command.force)) {
    throw new DomainError(
      'KEY_RING_NOT_EMPTY_ERR',
      command.liveKeys > 0
        ? 'The key ring holds keys that are not deleted; move or delete them first'
        : 'The key ring holds deleted keys; delete it with force=true to move them to the default key ring',
    );
  }
  return [
    {
      type: 'KeyRingDeleted',
      data: { keyRingId: command.keyRingId, force: command.force },
      meta: { time: command.now, principalId: command.principalId },
    },
  ];
}

export const keyRingsDecider: Decider<KeyRingsState, KeyRingsCommand, KeyRingsEvent> = {
  initialState: () => ({ status: 'Empty' }),
  decide(command, state) {
    switch (command.type) {
      case 'CreateKeyRing':
        return createKeyRing(command, state);
      case 'DeleteKeyRing':
        return deleteKeyRing(command, state);
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${String((unhandled as { type?: unknown }).type)}`);
      }
    }
  },
  evolve(state, event) {
    const rings = ringsOf(state);
    switch (event.type) {
      case 'KeyRingCreated':
        return {
          status: 'HasRings',
          rings: {
            ...rings,
            [event.data.keyRingId]: {
              id: event.data.keyRingId,
              creationDate: event.meta.time,
              createdBy: event.meta.principalId,
            },
          },
        };
      case 'KeyRingDeleted': {
        const rest = Object.fromEntries(Object.entries(rings).filter(([id]) => id !== event.data.keyRingId));
        return Object.keys(rest).length === 0 ? { status: 'Empty' } : { status: 'HasRings', rings: rest };
      }
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${String((unhandled as { type?: unknown }).type)}`);
      }
    }
  },
};
