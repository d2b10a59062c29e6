/**
 * Key Protect's service roles and what each may do (IBM Cloud Docs, Key Protect "Managing user
 * access": Reader, ReaderPlus, Writer, Manager, KeyPurge). Roles are additive: Reader < ReaderPlus
 * < Writer < Manager, each holding every permission of the one before; KeyPurge stands alone and
 * only it may purge. Each operation's rule (its least role and its target) is in the operations table
 * (functions/api/operations.ts); the role matrix test walks every (role x operation) pair over HTTP.
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
 * Key Protect lets only ReaderPlus and above read a standard key's payload (`getKey` of a standard key);
 * a root key's metadata needs only Reader. The authorizer applies this on top of `getKey`'s own rule.
 */
export const KEY_PAYLOAD_RULE: OperationRule = { requires: 'ReaderPlus', target: 'key' };

/**
 * Moving a key to another key ring (`patchKey`) needs Manager on the key and on the ring it moves to: Key
 * Protect's "at least Manager service access to the key and the target key ring". The authorizer checks the
 * key with the operation's own rule, and the ring, known once the body is read, with this one.
 */
export const KEY_RING_MOVE_RULE: OperationRule = { requires: 'Manager', target: 'keyRing' };

/** May `role` perform an operation with this rule (at a scope that covers its target)? */
export function roleAllows(role: Role, rule: OperationRule): boolean {
  return HOLDS[role].includes(rule.requires);
}
