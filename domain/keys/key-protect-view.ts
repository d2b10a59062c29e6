import type { ExistingKey } from './state.ts';
import { KeyStateCode, currentVersion, lastRotationDate } from './state.ts';

/**
 * A key as Key Protect v2 shows it: the metadata of GET /keys/{id}/metadata and of each row of
 * GET /keys. Pure, so the API and the key-list projection render keys identically. Never material.
 */
export const KEY_COLLECTION_TYPE = 'application/vnd.ibm.kms.key+json';

/** The key's CRN, in IBM Cloud's shape with keyledger's service name. */
export function keyCrn(instanceId: string, keyId: string): string {
  return `crn:v1:keyledger:private:kms:local:a/${instanceId}:${instanceId}:key:${keyId}`;
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
    dualAuthDelete: { enabled: key.dualAuthDelete },
    deleted: key.status === 'Destroyed',
    ...(key.status === 'Destroyed' ? { deletionDate: key.deletionDate, deletedBy: key.deletedBy } : {}),
  };
}
