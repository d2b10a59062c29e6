/**
 * Envelope schemas for events crossing the storage boundary. Adapters parse every event they read
 * (and every event they are asked to write) with these, so a corrupted row or a malformed append
 * fails loudly at the store instead of deep inside a decider. `data` stays `unknown` here: its
 * shape belongs to the event's own schema (events/schemas), applied after upcasting.
 */
import { z } from 'zod';

/** Who and when; mirrors {@link import('../../application/ports/event-store.ts').EventMeta}. */
const eventMetaSchema = z.object({
  time: z.iso.datetime({ offset: true }),
  instanceId: z.string().min(1),
  principalId: z.string().min(1),
  requestId: z.string().optional(),
  correlationId: z.string().optional(),
  operation: z.string().optional(),
  sourceIp: z.string().optional(),
});

/** An event about to be appended. */
export const newEventSchema = z.object({
  type: z.string().min(1),
  schemaVersion: z.number().int().min(1),
  data: z.unknown(),
  meta: eventMetaSchema,
});

/** An event as read back from storage. */
const storedEventSchema = newEventSchema.extend({
  streamId: z.string().min(1),
  version: z.number().int().min(1),
});

type StoredEventRecord = z.infer<typeof storedEventSchema>;

/**
 * Parses an event read from storage; throws an error naming the stream and version (when known)
 * so an operator can find the bad row.
 */
export function parseStoredEvent(raw: unknown, where: string): StoredEventRecord {
  const result = storedEventSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`corrupted event in storage (${where}): ${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/** Parses a JSON column/attribute written by an adapter; a parse failure is corruption, not input error. */
export function parseStoredJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`corrupted JSON in storage (${where})`, { cause: error });
  }
}
