/** The key summary row schema: rows are checked with it before they are written; read back, they are checked by hand. */
import { z } from 'zod';
import type { KeyPageRow, KeySummaryRow, ListedKeyRow } from '../../application/ports/key-list.ts';

export const keySummaryRowSchema = z.object({
  instanceId: z.string().min(1),
  keyId: z.string().min(1),
  name: z.string(),
  aliases: z.array(z.string()),
  state: z.number().int(),
  extractable: z.boolean(),
  imported: z.boolean(),
  keyRingId: z.string(),
  creationDate: z.string(),
  lastUpdateDate: z.string(),
  lastRotateDate: z.string().optional(),
  deletionDate: z.string().optional(),
  expirationDate: z.string().optional(),
  lastVersion: z.number().int().min(0),
  document: z.record(z.string(), z.unknown()),
  schedule: z
    .object({
      expiresAt: z.string().optional(),
      rotateAt: z.string().optional(),
      rotationBase: z.string().optional(),
      deletedAt: z.string().optional(),
    })
    .optional(),
});

/**
 * A row read back from storage, with its document text (kept as text), checked by hand so a corrupted row fails
 * loudly: this runs for every listed row (200 per page), where the zod walk cost more than the
 * query (bench/: 1.5 ms of a 7 ms page at 100,000 keys). Rows were checked with the schema when
 * written ({@link assertKeySummaryRow}).
 */
export function storedKeySummaryRow(
  fields: Omit<ListedKeyRow, 'documentJson'> & { readonly document: string | undefined },
  where: string,
): ListedKeyRow {
  const corrupted = (what: string) => corruptedRow(where, what);
  const { document, ...rest } = fields;
  // The ids, state and document as a page row has them; the document is not parsed (checked when written).
  const { documentJson } = storedKeyPageRow(
    { instanceId: rest.instanceId, keyId: rest.keyId, state: rest.state, documentJson: document },
    where,
  );
  const { extractable, imported, keyRingId, name, aliases, lastVersion } = fields;
  if (!Number.isInteger(lastVersion) || lastVersion < 0) throw corrupted('version is not an integer');
  if (typeof extractable !== 'boolean' || typeof imported !== 'boolean' || typeof keyRingId !== 'string')
    throw corrupted('extractable, imported or keyRingId is missing');
  if (typeof name !== 'string' || !Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string'))
    throw corrupted('name or aliases are missing');
  if (typeof fields.creationDate !== 'string' || typeof fields.lastUpdateDate !== 'string')
    throw corrupted('creationDate or lastUpdateDate is missing');
  for (const date of [fields.lastRotateDate, fields.deletionDate, fields.expirationDate])
    if (date !== undefined && typeof date !== 'string') throw corrupted('a date is not a string');
  return { ...rest, documentJson };
}

/** A page row read back (and the part of a whole row it has): ids, state and a JSON object's text, checked by hand. */
export function storedKeyPageRow(
  fields: Omit<KeyPageRow, 'documentJson'> & { readonly documentJson: string | undefined },
  where: string,
): KeyPageRow {
  const { instanceId, keyId, state, documentJson } = fields;
  if (typeof instanceId !== 'string' || instanceId === '' || typeof keyId !== 'string' || keyId === '')
    throw corruptedRow(where, 'no instance or key id');
  if (!Number.isInteger(state)) throw corruptedRow(where, 'state is not an integer');
  if (typeof documentJson !== 'string' || !documentJson.startsWith('{') || !documentJson.endsWith('}'))
    throw corruptedRow(where, 'document is not a JSON object');
  return { instanceId, keyId, state, documentJson };
}

function corruptedRow(where: string, what: string): Error {
  return new Error(`corrupted key list row (${where}): ${what}`);
}

/** Checks a row before it is written, so a projection bug surfaces at the write, not at the next read. */
export function assertKeySummaryRow(row: KeySummaryRow): void {
  const result = keySummaryRowSchema.safeParse(row);
  if (!result.success)
    throw new TypeError(`invalid key list row ${row.instanceId}/${row.keyId}: ${z.prettifyError(result.error)}`);
}

/** Version given to a removal without one: final, so no later upsert revives the row. */
export const FINAL_REMOVAL_VERSION = Number.MAX_SAFE_INTEGER;
