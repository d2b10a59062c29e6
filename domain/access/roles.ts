/**
 * Key Protect's service roles and what each may do (IBM Cloud Docs, Key Protect "Managing user
 * access": Reader, ReaderPlus, Writer, Manager, KeyPurge). Roles are additive: Reader < ReaderPlus
 * < Writer < Manager, each holding every permission of the one before; KeyPurge stands alone and
 * only it may purge. The one table below decides every (role x operation) pair; the role matrix
 * test walks all of it over HTTP.
 */
export const ROLES = ['Reader', 'ReaderPlus', 'Writer', 'Manager', 'KeyPurge'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The permissions a role holds: its own level and every level below it. */
const HOLDS: Readonly<Record<Role, readonly Role[]>> = {
  Reader: ['Reader'],
  ReaderPlus: ['Reader', 'ReaderPlus'],
  Writer: ['Reader', 'ReaderPlus', 'Writer'],
  Manager: ['Reader', 'ReaderPlus', 'Writer', 'Manager'],
  KeyPurge: ['KeyPurge'],
};

/**
 * What an operation acts on, which decides the scopes a binding can cover it from:
 * - `key`: one key (by id or alias): bindings on the instance, the key's ring or the key itself;
 * - `keyRing`: one key ring (a ring in the path, or the ring a new key goes into): instance or ring;
 * - `collection`: a listing: a binding at any scope lets the caller in, and it sees only what its
 *   bindings cover;
 * - `instance`: instance-wide settings: instance bindings only.
 */
export type Target = 'key' | 'keyRing' | 'collection' | 'instance';

export interface OperationRule {
  /** The least role that may perform the operation. */
  readonly requires: Role;
  readonly target: Target;
}

/**
 * Every operation, by the Key Protect SDK's method name (the `operation` of functions/api/routes.ts).
 * `getKeyPayload` is no route: it is what `getKey` additionally needs for a standard key, whose
 * payload only ReaderPlus and above may read.
 */
export const OPERATIONS = {
  createKey: { requires: 'Writer', target: 'keyRing' },
  getKeys: { requires: 'Reader', target: 'collection' },
  getKeyCollectionMetadata: { requires: 'Reader', target: 'collection' },
  getKey: { requires: 'Reader', target: 'key' },
  getKeyPayload: { requires: 'ReaderPlus', target: 'key' },
  getKeyMetadata: { requires: 'Reader', target: 'key' },
  getKeyVersions: { requires: 'Reader', target: 'key' },
  wrapKey: { requires: 'Reader', target: 'key' },
  unwrapKey: { requires: 'Reader', target: 'key' },
  rewrapKey: { requires: 'Reader', target: 'key' },
  rotateKey: { requires: 'Writer', target: 'key' },
  syncAssociatedResources: { requires: 'Writer', target: 'key' },
  setKeyForDeletion: { requires: 'Writer', target: 'key' },
  unsetKeyForDeletion: { requires: 'Writer', target: 'key' },
  createKeyAlias: { requires: 'Writer', target: 'key' },
  deleteKeyAlias: { requires: 'Writer', target: 'key' },
  enableKey: { requires: 'Manager', target: 'key' },
  disableKey: { requires: 'Manager', target: 'key' },
  deleteKey: { requires: 'Manager', target: 'key' },
  restoreKey: { requires: 'Manager', target: 'key' },
  patchKey: { requires: 'Manager', target: 'key' },
  purgeKey: { requires: 'KeyPurge', target: 'key' },
  getPolicy: { requires: 'Reader', target: 'key' },
  putPolicy: { requires: 'Manager', target: 'key' },
  getRegistrations: { requires: 'Reader', target: 'key' },
  getRegistrationsAllKeys: { requires: 'Reader', target: 'collection' },
  createRegistration: { requires: 'Manager', target: 'key' },
  updateRegistration: { requires: 'Manager', target: 'key' },
  replaceRegistration: { requires: 'Manager', target: 'key' },
  deleteRegistration: { requires: 'Manager', target: 'key' },
  listKeyRings: { requires: 'Reader', target: 'instance' },
  createKeyRing: { requires: 'Writer', target: 'keyRing' },
  deleteKeyRing: { requires: 'Manager', target: 'keyRing' },
  getInstancePolicy: { requires: 'Manager', target: 'instance' },
  putInstancePolicy: { requires: 'Manager', target: 'instance' },
  getAllowedIpPort: { requires: 'Reader', target: 'instance' },
  postImportToken: { requires: 'Writer', target: 'instance' },
  getImportToken: { requires: 'Writer', target: 'instance' },
} as const satisfies Record<string, OperationRule>;

export type Operation = keyof typeof OPERATIONS;

export function isOperation(value: string): value is Operation {
  return Object.hasOwn(OPERATIONS, value);
}

/** The table: may `role` perform `operation` (at a scope that covers its target)? */
export function roleAllows(role: Role, operation: Operation): boolean {
  return HOLDS[role].includes(OPERATIONS[operation].requires);
}
