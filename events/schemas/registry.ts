import type { KeyEventData, KeyEventType } from '../../domain/keys/events.ts';
import { accessEventSchemas } from './access.ts';
import { aliasIndexEventSchemas } from './alias-index.ts';
import { aliasQuotaEventSchemas } from './alias-quota.ts';
import { identityEventSchemas } from './identity.ts';
import { importTokenEventSchemas } from './import-tokens.ts';
import { instancePolicyEventSchemas } from './instance-policies.ts';
import { keyRingEventSchemas } from './key-rings.ts';
import { keyEventSchemas } from './keys.ts';
import { keyVersionIndexEventSchemas } from './key-version-index.ts';
import { subscriptionEventSchemas } from './subscriptions.ts';
import { UnknownEventSchemaError, type EventSchema } from './versioned.ts';

/** Every stored event type's schema, by type name; a new aggregate's schema map joins here. */
const allEventSchemas: Readonly<Record<string, EventSchema<unknown>>> = {
  ...keyEventSchemas,
  ...identityEventSchemas,
  ...accessEventSchemas,
  ...instancePolicyEventSchemas,
  ...keyRingEventSchemas,
  ...aliasIndexEventSchemas,
  ...aliasQuotaEventSchemas,
  ...keyVersionIndexEventSchemas,
  ...importTokenEventSchemas,
  ...subscriptionEventSchemas,
};

function schemaOf(type: string, schemaVersion: number): EventSchema<unknown> {
  const schema = Object.hasOwn(allEventSchemas, type) ? allEventSchemas[type] : undefined;
  if (!schema) throw new UnknownEventSchemaError(type, schemaVersion);
  return schema;
}

/** Turns a stored (type, schemaVersion, data) into the current domain data, upcasting older versions on the way. */
export function parseEvent<T extends KeyEventType>(type: T, schemaVersion: number, data: unknown): KeyEventData<T>;
export function parseEvent(type: string, schemaVersion: number, data: unknown): unknown;
export function parseEvent(type: string, schemaVersion: number, data: unknown): unknown {
  return schemaOf(type, schemaVersion).parse(schemaVersion, data);
}

/** The schema version new events of `type` are written at. */
export function currentSchemaVersion(type: string): number {
  return schemaOf(type, 0).currentVersion;
}

export { UnknownEventSchemaError } from './versioned.ts';
