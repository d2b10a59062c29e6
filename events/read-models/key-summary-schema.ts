/** Parses key summary rows read from storage, so a corrupted row fails loudly (see stored-event-schema.ts). */
import { z } from 'zod';
import type { KeySummaryRow } from './key-list.ts';

export const keySummaryRowSchema = z.object({
  instanceId: z.string().min(1),
  keyId: z.string().min(1),
  state: z.number().int(),
  extractable: z.boolean(),
  keyRingId: z.string(),
  creationDate: z.string(),
  lastVersion: z.number().int().min(0),
  document: z.record(z.string(), z.unknown()),
  schedule: z.object({
    expiresAt: z.string().optional(),
    rotateAt: z.string().optional(),
    rotationBase: z.string().optional(),
    deletedAt: z.string().optional(),
  }).optional(),
});

export function parseKeySummaryRow(raw: unknown, where: string): KeySummaryRow {
  const result = keySummaryRowSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`corrupted key list row (${where}): ${z.prettifyError(result.error)}`, { cause: result.error });
  }
  return result.data;
}

/** Checks a row before it is written, so a projection bug surfaces at the write, not at the next read. */
export function assertKeySummaryRow(row: KeySummaryRow): void {
  const result = keySummaryRowSchema.safeParse(row);
  if (!result.success) throw new TypeError(`invalid key list row ${row.instanceId}/${row.keyId}: ${z.prettifyError(result.error)}`);
}

/** Version given to a removal without one: final, so no later upsert revives the row. */
export const FINAL_REMOVAL_VERSION = Number.MAX_SAFE_INTEGER;
