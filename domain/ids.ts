const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is a UUID in its canonical 8-4-4-4-12 hex form, in either case: Key Protect
 * accepts upper-case ids, and every caller lower-cases an id before it names a stream with it.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
