import { isUuid } from '../ids.ts';

/**
 * Key Protect's alias rules (SDK @ibm-cloud/ibm-key-protect, createKeyAlias): 2 to 90
 * characters, alphanumeric with `-` and `_`, not a UUID, not a reserved word; up to five per
 * key. Uniqueness within an instance cannot be decided inside one key's stream: the application
 * keeps an alias index (a stream per instance, or a conditional write per alias) and refuses a
 * taken alias with DUPLICATE_ALIAS_ERR before it sends AddAlias; AliasAdded/AliasRemoved
 * (with the key's instance in the event's stream) are what that index is built from.
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
