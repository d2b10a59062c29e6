import { isUuid } from '../ids.ts';

/**
 * Key Protect's alias rules (SDK @ibm-cloud/ibm-key-protect, createKeyAlias): 2 to 90
 * characters, alphanumeric with `-` and `_`, not a UUID, not a reserved word; up to five per
 * key. Uniqueness within an instance and the instance's 1,000 cannot be decided inside one key's
 * stream: the alias index (domain/aliases/alias-index.ts, a stream per alias: DUPLICATE_ALIAS_ERR) and
 * the instance's alias quota (domain/aliases/alias-quota.ts) decide them, in the same atomic append as
 * the key's AliasAdded/AliasRemoved (application/aliases/alias-claims.ts).
 */
export const MAX_ALIASES_PER_KEY = 5;

export const RESERVED_ALIASES: ReadonlySet<string> = new Set([
  'allowed_ip',
  'key',
  'keys',
  'metadata',
  'policy',
  'policies',
  'registration',
  'registrations',
  'ring',
  'rings',
  'rotate',
  'wrap',
  'unwrap',
  'rewrap',
  'version',
  'versions',
]);

const SHAPE = /^[A-Za-z0-9_-]{2,90}$/;

/** Why `alias` breaks Key Protect's rules, or null when it is a valid alias. */
export function aliasProblem(alias: string): string | null {
  if (!SHAPE.test(alias)) return 'an alias has 2 to 90 characters: letters, digits, - and _';
  if (isUuid(alias)) return 'an alias cannot be a UUID';
  if (RESERVED_ALIASES.has(alias.toLowerCase())) return `"${alias}" is a reserved word`;
  return null;
}
