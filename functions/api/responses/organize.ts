import type { InstancePolicyEntry } from '../../../domain/instances/instance-policies.ts';
import type { ImportTokenFacts } from '../../../domain/import-tokens/import-token.ts';
import type { KeyRing } from '../../../domain/key-rings/key-rings.ts';
import { currentVersion, type ExistingKey, type KeyPolicyType, type Registration } from '../../../domain/keys/state.ts';
import { policyCrn } from '../../../domain/keys/key-protect-view.ts';
import { createHash } from 'node:crypto';

/** Key Protect's response shapes for key rings, aliases, policies, registrations and import tokens. */

export const COLLECTION = {
  keyRing: 'application/vnd.ibm.kms.key_ring+json',
  alias: 'application/vnd.ibm.kms.alias+json',
  policy: 'application/vnd.ibm.kms.policy+json',
  registration: 'application/vnd.ibm.kms.registration+json',
  allowedIpPort: 'application/vnd.ibm.kms.allowed_ip_metadata+json',
} as const;

export function collection(
  collectionType: string,
  resources: readonly unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { metadata: { collectionType, collectionTotal: resources.length, ...extra }, resources };
}

/** {@link collection} as JSON text, around resources already serialised (each a JSON object's text). */
export function collectionJson(
  collectionType: string,
  resourceJsons: readonly string[],
  extra: Record<string, unknown> = {},
): string {
  const metadata = JSON.stringify({ collectionType, collectionTotal: resourceJsons.length, ...extra });
  // Concatenated, not joined: V8 keeps the pieces as a rope and copies them once, when the body is
  // encoded for the socket; join and a template around it would copy them twice more first.
  let body = `{"metadata":${metadata},"resources":[`;
  resourceJsons.forEach((resource, i) => {
    body += i === 0 ? resource : `,${resource}`;
  });
  return `${body}]}`;
}

export function keyRingResource(ring: KeyRing): Record<string, unknown> {
  return { id: ring.id, ...(ring.creationDate ? { creationDate: ring.creationDate, createdBy: ring.createdBy } : {}) };
}

/** A stable UUID-shaped id for a key's policy (Key Protect gives each policy an id). */
function policyId(keyId: string, policy: string): string {
  const h = createHash('sha256').update(`${keyId}/${policy}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A key's policies as GET/PUT /keys/{id}/policies return them: only the policies that were set,
 * rotation first (Key Protect's order), each with its own id and CRN and who set it first and last,
 * when; `only` picks one type.
 */
export function keyPolicyResources(key: ExistingKey, only?: KeyPolicyType): Record<string, unknown>[] {
  const resource = (policy: KeyPolicyType, data: Record<string, unknown>): Record<string, unknown>[] => {
    const record = key.policyRecords[policy];
    if (!record || (only !== undefined && only !== policy)) return [];
    const id = policyId(key.keyId, policy);
    return [
      {
        id,
        crn: policyCrn(key.instanceId, id),
        type: COLLECTION.policy,
        ...data,
        createdBy: record.createdBy,
        creationDate: record.creationDate,
        updatedBy: record.updatedBy,
        lastUpdateDate: record.lastUpdateDate,
      },
    ];
  };
  const rotation = key.rotationPolicy;
  return [
    ...(rotation
      ? resource('rotation', { rotation: { enabled: rotation.enabled, interval_month: rotation.intervalMonth } })
      : []),
    ...resource('dualAuthDelete', { dualAuthDelete: { enabled: key.dualAuthDelete } }),
  ];
}

/** One instance policy as GET /instance/policies returns it. */
export function instancePolicyResource(entry: InstancePolicyEntry): Record<string, unknown> {
  const v = entry.value;
  let attributes: Record<string, unknown> | undefined;
  switch (v.policy) {
    case 'rotation':
      attributes = v.intervalMonth === undefined ? undefined : { interval_month: v.intervalMonth };
      break;
    case 'allowedNetwork':
      attributes = v.allowedNetwork === undefined ? undefined : { allowed_network: v.allowedNetwork };
      break;
    case 'allowedIP':
      attributes = v.ipAddresses === undefined ? undefined : { allowed_ip: [...v.ipAddresses] };
      break;
    case 'keyCreateImportAccess':
      attributes =
        v.attributes === undefined
          ? undefined
          : {
              create_root_key: v.attributes.createRootKey,
              create_standard_key: v.attributes.createStandardKey,
              import_root_key: v.attributes.importRootKey,
              import_standard_key: v.attributes.importStandardKey,
              enforce_token: v.attributes.enforceToken,
            };
      break;
    case 'dualAuthDelete':
    case 'metrics':
      attributes = undefined;
      break;
    default: {
      const unhandled: never = v;
      return unhandled;
    }
  }
  return {
    creationDate: entry.creationDate,
    createdBy: entry.createdBy,
    updatedBy: entry.updatedBy,
    lastUpdated: entry.lastUpdated,
    policy_type: v.policy,
    policy_data: { enabled: v.enabled, ...(attributes ? { attributes } : {}) },
  };
}

export function registrationResource(key: ExistingKey, r: Registration): Record<string, unknown> {
  const version = currentVersion(key);
  return {
    keyId: key.keyId,
    keyName: key.name,
    resourceCrn: r.crn,
    createdBy: r.createdBy,
    creationDate: r.creationDate,
    updatedBy: r.createdBy,
    lastUpdated: r.lastUpdateDate,
    ...(r.description !== undefined ? { description: r.description } : {}),
    preventKeyDeletion: r.preventKeyDeletion,
    keyVersion: { id: version.id, creationDate: version.creationDate },
  };
}

/** An import token's metadata (POST) and, with `withKey`, its public key (base64 of the PEM, as Key Protect) and nonce (GET). */
export function importTokenBody(token: ImportTokenFacts, withKey: boolean): Record<string, unknown> {
  const pem = `-----BEGIN PUBLIC KEY-----\n${token.publicKey.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END PUBLIC KEY-----\n`;
  return {
    creationDate: token.creationDate,
    expirationDate: token.expirationDate,
    maxAllowedRetrievals: token.maxAllowedRetrievals,
    remainingRetrievals: token.remainingRetrievals,
    ...(withKey ? { payload: Buffer.from(pem, 'utf8').toString('base64'), nonce: token.nonce } : {}),
  };
}
