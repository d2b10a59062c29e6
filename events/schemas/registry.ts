import type { KeyEventData, KeyEventType } from '../../domain/keys/events.ts';
import { identityEventSchemas, isIdentityEventType } from './identity.ts';
import { isKeyEventType, keyEventSchemas, parseKeyEventData } from './keys.ts';
import { UnknownEventSchemaError } from './versioned.ts';

/**
 * Every stored event type's schema, by type name: `parseEvent` turns a stored (type,
 * schemaVersion, data) into the current domain data, upcasting older versions on the way.
 * Key and identity events are registered here; other aggregates' schemas join the same way.
 */
export function parseEvent<T extends KeyEventType>(type: T, schemaVersion: number, data: unknown): KeyEventData<T>;
export function parseEvent(type: string, schemaVersion: number, data: unknown): unknown;
export function parseEvent(type: string, schemaVersion: number, data: unknown): unknown {
  if (isKeyEventType(type)) return parseKeyEventData(type, schemaVersion, data);
  if (isIdentityEventType(type)) return identityEventSchemas[type].parse(schemaVersion, data);
  throw new UnknownEventSchemaError(type, schemaVersion);
}

/** The schema version new events of `type` are written at. */
export function currentSchemaVersion(type: string): number {
  if (isKeyEventType(type)) return keyEventSchemas[type].currentVersion;
  if (isIdentityEventType(type)) return identityEventSchemas[type].currentVersion;
  throw new UnknownEventSchemaError(type, 0);
}

export { UnknownEventSchemaError } from './versioned.ts';
