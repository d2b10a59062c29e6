import { isUuid } from '../../domain/ids.ts';
import { keyDecider } from '../../domain/keys/decider.ts';
import type { KeyEvent } from '../../domain/keys/events.ts';
import { keyMetadata } from '../../domain/keys/key-protect-view.ts';
import { isExisting } from '../../domain/keys/state.ts';
import { decodeKeyEvent } from '../../events/schemas/keys.ts';
import type { StoredEvent } from '../ports/event-store.ts';
import { keyNotFound } from '../errors.ts';
import type { AppServices } from '../services.ts';
import { keyStreamId } from './key-aggregate.ts';

interface KeyHistoryEvent {
  /** Position in the key's stream: 1, 2, 3... */
  readonly version: number;
  /** The stored event type (KeyCreated, KeyVersionRotated, ...). */
  readonly type: string;
  readonly time: string;
  readonly principalId: string;
  /** The event's data (upcast to the current schema), without wrapped key material. */
  readonly data: unknown;
}

/** Wrapped material is not secret, but history has no use for it: every `material` field is dropped. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'material')
      .map(([k, v]) => [k, redact(v)]),
  );
}

async function keyEvents(
  services: Pick<AppServices, 'store'>,
  instanceId: string,
  keyId: string,
): Promise<{ stored: StoredEvent; event: KeyEvent }[]> {
  if (!isUuid(keyId)) throw keyNotFound();
  const stored = await services.store.readStream(keyStreamId(keyId.toLowerCase()));
  const events = stored.map((s) => ({ stored: s, event: decodeKeyEvent(s) }));
  const first = events[0]?.event;
  // Another instance's key answers like a missing one.
  if (!first || (first.type !== 'KeyCreated' && first.type !== 'KeyImported') || first.data.instanceId !== instanceId)
    throw keyNotFound();
  return events;
}

/** Every event of a key, oldest first, from its stream (a purged key's history stays readable). */
export async function keyHistory(
  services: Pick<AppServices, 'store'>,
  instanceId: string,
  keyId: string,
): Promise<KeyHistoryEvent[]> {
  return (await keyEvents(services, instanceId, keyId)).map(({ stored, event }) => ({
    version: stored.version,
    type: event.type,
    time: event.meta.time,
    principalId: event.meta.principalId,
    data: redact(event.data),
  }));
}

/**
 * The key's Key Protect metadata as of `at`: its events up to and including that instant, replayed.
 * 404 when the key did not exist then (not yet created, or purged).
 */
export async function keyAsOf(
  services: Pick<AppServices, 'store'>,
  instanceId: string,
  keyId: string,
  at: Date,
): Promise<Record<string, unknown>> {
  const events = await keyEvents(services, instanceId, keyId);
  const state = events
    .filter(({ event }) => Date.parse(event.meta.time) <= at.getTime())
    .reduce((s, { event }) => keyDecider.evolve(s, event), keyDecider.initialState());
  if (!isExisting(state)) throw keyNotFound();
  return keyMetadata(state);
}
