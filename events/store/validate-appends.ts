/**
 * Checks shared by every adapter before anything is written, so both reject the same malformed
 * commits with the same error (the contract suite relies on it).
 */
import { z } from 'zod';
import { InvalidAppendError, type StreamAppend } from '../../application/ports/event-store.ts';
import { newEventSchema } from './stored-event-schema.ts';

export function validateAppends(appends: readonly StreamAppend[]): void {
  if (appends.length === 0) throw new InvalidAppendError('a commit needs at least one stream');
  const seen = new Set<string>();
  for (const append of appends) {
    if (typeof append.streamId !== 'string' || append.streamId.length === 0) {
      throw new InvalidAppendError('streamId must be a non-empty string');
    }
    // Two parts for one stream would race against each other's expected version inside one commit.
    if (seen.has(append.streamId)) {
      throw new InvalidAppendError(`stream ${append.streamId} appears twice in one commit`);
    }
    seen.add(append.streamId);
    if (!Number.isSafeInteger(append.expectedVersion) || append.expectedVersion < 0) {
      throw new InvalidAppendError(`expectedVersion of ${append.streamId} must be an integer >= 0`);
    }
    if (append.events.length === 0) {
      throw new InvalidAppendError(`append to ${append.streamId} has no events`);
    }
    for (const event of append.events) {
      const result = newEventSchema.safeParse(event);
      if (!result.success) {
        throw new InvalidAppendError(`invalid event for ${append.streamId}: ${z.prettifyError(result.error)}`);
      }
    }
  }
}

/** JSON text of an event's data; `undefined` becomes `null` so the column is never empty. */
export function dataToJson(data: unknown): string {
  return JSON.stringify(data ?? null);
}
