import { z } from 'zod';
import type { AliasIndexEvent } from '../../domain/aliases/alias-index.ts';
import type { StoredEvent } from '../store/event-store.ts';
import { eventSchema, UnknownEventSchemaError } from './versioned.ts';

/** Stored schemas of the alias index (domain/aliases). All at v1. */
const data = z.object({ alias: z.string().min(2).max(90), keyId: z.string().min(1) });

export const aliasIndexEventSchemas = {
  AliasClaimed: eventSchema('AliasClaimed', data),
  AliasReleased: eventSchema('AliasReleased', data),
} as const;

export function isAliasIndexEventType(type: string): type is AliasIndexEvent['type'] {
  return Object.hasOwn(aliasIndexEventSchemas, type);
}

export const aliasIndexCodec = {
  encode(event: AliasIndexEvent) {
    const schema = aliasIndexEventSchemas[event.type];
    return { type: event.type, schemaVersion: schema.currentVersion, data: schema.encode(event.data) };
  },
  decode(stored: StoredEvent): AliasIndexEvent {
    if (!isAliasIndexEventType(stored.type)) throw new UnknownEventSchemaError(stored.type, stored.schemaVersion);
    const parsed = aliasIndexEventSchemas[stored.type].parse(stored.schemaVersion, stored.data);
    return { type: stored.type, data: parsed, meta: { time: stored.meta.time, principalId: stored.meta.principalId } };
  },
};
