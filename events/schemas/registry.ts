import type { KeyEventData, KeyEventType } from '../../domain/keys/events.ts';
import { accessEventSchemas, isAccessEventType } from './access.ts';
import { identityEventSchemas, isIdentityEventType } from './identity.ts';
import { aliasIndexEventSchemas, isAliasIndexEventType } from './alias-index.ts';
import { importTokenEventSchemas, isImportTokenEventType } from './import-tokens.ts';
import { instancePolicyEventSchemas, isInstancePolicyEventType } from './instance-policies.ts';
import { isKeyRingEventType, keyRingEventSchemas } from './key-rings.ts';
import { isKeyEventType, keyEventSchemas, parseKeyEventData } from './keys.ts';
import { isSubscriptionEventType, subscriptionEventSchemas } from './subscriptions.ts';
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
  if (isAccessEventType(type)) return accessEventSchemas[type].parse(schemaVersion, data);
  if (isInstancePolicyEventType(type)) return instancePolicyEventSchemas[type].parse(schemaVersion, data);
  if (isKeyRingEventType(type)) return keyRingEventSchemas[type].parse(schemaVersion, data);
  if (isAliasIndexEventType(type)) return aliasIndexEventSchemas[type].parse(schemaVersion, data);
  if (isImportTokenEventType(type)) return importTokenEventSchemas[type].parse(schemaVersion, data);
  if (isSubscriptionEventType(type)) return subscriptionEventSchemas[type].parse(schemaVersion, data);
  throw new UnknownEventSchemaError(type, schemaVersion);
}

/** The schema version new events of `type` are written at. */
export function currentSchemaVersion(type: string): number {
  if (isKeyEventType(type)) return keyEventSchemas[type].currentVersion;
  if (isIdentityEventType(type)) return identityEventSchemas[type].currentVersion;
  if (isAccessEventType(type)) return accessEventSchemas[type].currentVersion;
  if (isInstancePolicyEventType(type)) return instancePolicyEventSchemas[type].currentVersion;
  if (isKeyRingEventType(type)) return keyRingEventSchemas[type].currentVersion;
  if (isAliasIndexEventType(type)) return aliasIndexEventSchemas[type].currentVersion;
  if (isImportTokenEventType(type)) return importTokenEventSchemas[type].currentVersion;
  if (isSubscriptionEventType(type)) return subscriptionEventSchemas[type].currentVersion;
  throw new UnknownEventSchemaError(type, 0);
}

export { UnknownEventSchemaError } from './versioned.ts';
