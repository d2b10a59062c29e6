import type { z } from 'zod';
import type { StoredEvent } from '../../application/ports/event-store.ts';

/**
 * One stored event type's schemas across its versions. A stored event is never rewritten: an
 * event written at an older schemaVersion is parsed with that version's schema, then lifted one
 * version at a time by its upcasters, then checked against the current schema.
 */
export interface EventSchema<Data> {
  /** The version new events are written at. */
  readonly currentVersion: number;
  /** Parses stored data of any known version into the current shape. */
  parse(schemaVersion: number, data: unknown): Data;
  /** Checks data about to be stored against the current schema. */
  encode(data: Data): Data;
}

/** An older version: its schema and the function that lifts its data to the next version. */
interface OlderVersion {
  readonly schema: z.ZodType;
  readonly upcast: (data: unknown) => unknown;
}

/** Declares an older version; `upcast` receives data that passed `schema`. */
export function olderVersion<S extends z.ZodType>(schema: S, upcast: (data: z.output<S>) => unknown): OlderVersion {
  return { schema, upcast: (data) => upcast(data as z.output<S>) };
}

/** Thrown for a stored event whose type or version no schema knows: a newer writer, or corruption. */
export class UnknownEventSchemaError extends Error {
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
  ) {
    super(`no schema for event ${type} v${schemaVersion}`);
    this.name = 'UnknownEventSchemaError';
  }
}

/**
 * The schema of an event type whose current version is `older.length + 1`; `older[0]` is v1.
 */
export function eventSchema<S extends z.ZodType>(
  type: string,
  current: S,
  older: readonly OlderVersion[] = [],
): EventSchema<z.output<S>> {
  const currentVersion = older.length + 1;
  return {
    currentVersion,
    parse(schemaVersion, data) {
      if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > currentVersion) {
        throw new UnknownEventSchemaError(type, schemaVersion);
      }
      let value = data;
      for (let v = schemaVersion; v < currentVersion; v++) {
        const step = older[v - 1];
        if (!step) throw new UnknownEventSchemaError(type, v);
        value = step.upcast(step.schema.parse(value));
      }
      return current.parse(value);
    },
    encode(data) {
      return current.parse(data);
    },
  };
}

/** What a codec reads of a stored event. */
type StoredEventParts = Pick<StoredEvent, 'type' | 'schemaVersion' | 'data' | 'meta'>;

/**
 * The codec of one aggregate's events from its schema map: encode writes the current schema
 * version, decode upcasts any known version and refuses types the aggregate does not own.
 */
export function schemaCodec<
  E extends {
    readonly type: string;
    readonly data: unknown;
    readonly meta: { readonly time: string; readonly principalId: string };
  },
>(schemas: { readonly [T in E['type']]: EventSchema<unknown> }) {
  const owns = (type: string): type is E['type'] => Object.hasOwn(schemas, type);
  return {
    owns,
    encode: (event: E): { type: E['type']; schemaVersion: number; data: unknown } => {
      const schema: EventSchema<unknown> = schemas[event.type as E['type']];
      return { type: event.type, schemaVersion: schema.currentVersion, data: schema.encode(event.data) };
    },
    decode: (stored: StoredEvent | StoredEventParts): E => {
      if (!owns(stored.type)) throw new UnknownEventSchemaError(stored.type, stored.schemaVersion);
      const schema: EventSchema<unknown> = schemas[stored.type];
      // Type and data were checked together; TypeScript cannot correlate them.
      return {
        type: stored.type,
        data: schema.parse(stored.schemaVersion, stored.data),
        meta: { time: stored.meta.time, principalId: stored.meta.principalId },
      } as unknown as E;
    },
  };
}
