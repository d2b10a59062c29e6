import { DUAL_AUTH_WINDOW_S, type KeySettings } from './settings.ts';
import type { ExistingKey } from './state.ts';
import { KeyStateCode, currentVersion, lastRotationDate } from './state.ts';

/**
 * A key as Key Protect v2 shows it: the metadata of GET /keys/{id}/metadata and of each row of
 * GET /keys. Pure, so the API and the key-list projection render keys identically. Never material.
 */
export const KEY_COLLECTION_TYPE = 'application/vnd.ibm.kms.key+json';

/** The CRN of a resource of the instance, in IBM Cloud's shape with keyledger's service name. */
function instanceCrn(instanceId: string, resourceType: 'key' | 'policy', resourceId: string): string {
  return `crn:v1:keyledger:private:kms:local:a/${instanceId}:${instanceId}:${resourceType}:${resourceId}`;
}

/** The key's CRN. */
export function keyCrn(instanceId: string, keyId: string): string {
  return instanceCrn(instanceId, 'key', keyId);
}

/** A key policy's CRN: Key Protect's `…:<instance>:policy:<policyId>` (Terraform reads the id from segment 9). */
export function policyCrn(instanceId: string, policyId: string): string {
  return instanceCrn(instanceId, 'policy', policyId);
}

export function keyMetadata(key: ExistingKey): Record<string, unknown> {
  const version = currentVersion(key);
  const rotated = lastRotationDate(key);
  return {
    type: KEY_COLLECTION_TYPE,
    id: key.keyId,
    name: key.name,
    aliases: [...key.aliases],
    ...(key.description !== undefined ? { description: key.description } : {}),
    ...(key.tags.length > 0 ? { tags: [...key.tags] } : {}),
    state: KeyStateCode[key.status],
    ...(key.expirationDate !== undefined ? { expirationDate: key.expirationDate } : {}),
    extractable: key.extractable,
    crn: keyCrn(key.instanceId, key.keyId),
    imported: key.imported,
    creationDate: key.creationDate,
    createdBy: key.createdBy,
    algorithmType: 'AES',
    algorithmMetadata: { bitLength: '256', mode: 'GCM' },
    algorithmBitSize: 256,
    algorithmMode: 'GCM',
    lastUpdateDate: key.lastUpdateDate,
    ...(rotated !== undefined ? { lastRotateDate: rotated } : {}),
    keyVersion: { id: version.id, creationDate: version.creationDate },
    keyRingID: key.keyRingId,
    dualAuthDelete: dualAuthDeleteView(key),
    ...(key.rotationPolicy
      ? { rotation: { enabled: key.rotationPolicy.enabled, interval_month: key.rotationPolicy.intervalMonth } }
      : {}),
    ...(key.status === 'Active' ? {} : { nonactiveStateReason: NONACTIVE_STATE_REASON[key.status] }),
    deleted: key.status === 'Destroyed',
    ...(key.status === 'Destroyed' ? { deletionDate: key.deletionDate, deletedBy: key.deletedBy } : {}),
  };
}

/**
 * `nonactiveStateReason`: Key Protect documents the field ("a code indicating the reason the key is not
 * in the activation state") but not its values; keyledger's are these.
 */
export const NONACTIVE_STATE_REASON = { Suspended: 1, Deactivated: 2, Destroyed: 3 } as const;

/**
 * `dualAuthDelete`: `keySetForDeletion` only when the policy is enabled, `authExpiration` (seven days after
 * the first authorization) only while one is pending (Key Protect's API reference, DualAuthKeyMetadata).
 * That it lapses is a matter of time: {@link keyDocumentAt}.
 */
function dualAuthDeleteView(key: ExistingKey): Record<string, unknown> {
  if (!key.dualAuthDelete) return { enabled: false };
  const auth = key.deletionAuthorization;
  return {
    enabled: true,
    keySetForDeletion: auth !== undefined,
    ...(auth ? { authExpiration: addSeconds(auth.time, DUAL_AUTH_WINDOW_S) } : {}),
  };
}

function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}

/**
 * Whether {@link keyDocumentAt} can change a stored document (its text, and the key's state): only a
 * deleted key's, or one with a dual authorization that may lapse. Any other is answered as stored.
 */
export function documentDependsOnTime(state: number, documentJson: string): boolean {
  // `"authExpiration"` contains `Expiration"`, so this misses no such document (one with another such
  // property is only parsed needlessly); a search starting with a rare letter skips through the text
  // about ten times faster than one starting with a quote, which every property name begins with.
  return state === KeyStateCode.Destroyed || documentJson.includes('Expiration"');
}

/**
 * A key's document as read at `now`: what depends on the time it is read at, added to what the key's
 * events fixed (a stored document, {@link keyMetadata}). A deleted key gets `restoreAllowed`,
 * `restoreExpirationDate`, `purgeAllowed`, `purgeAllowedFrom` and `purgeScheduledOn` (deletion plus the
 * restore window, the least purge delay and the automatic purge delay); a dual authorization that has
 * lapsed no longer shows as set.
 */
export function keyDocumentAt(
  document: Readonly<Record<string, unknown>>,
  now: string,
  settings: KeySettings,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...document };
  const dual = document.dualAuthDelete as { authExpiration?: unknown } | undefined;
  if (typeof dual?.authExpiration === 'string' && dual.authExpiration <= now)
    out.dualAuthDelete = { enabled: true, keySetForDeletion: false };
  const deletionDate = document.deletionDate;
  if (document.state !== KeyStateCode.Destroyed || typeof deletionDate !== 'string') return out;
  const restoreExpirationDate = addSeconds(deletionDate, settings.restoreWindowS);
  const purgeAllowedFrom = addSeconds(deletionDate, settings.minPurgeDelayS);
  const expiration = document.expirationDate;
  const expired = typeof expiration === 'string' && Date.parse(expiration) <= Date.parse(now);
  return {
    ...out,
    restoreAllowed: !expired && Date.parse(now) <= Date.parse(restoreExpirationDate),
    restoreExpirationDate,
    purgeAllowed: Date.parse(now) >= Date.parse(purgeAllowedFrom),
    purgeAllowedFrom,
    purgeScheduledOn: addSeconds(deletionDate, settings.autoPurgeAfterS),
  };
}
