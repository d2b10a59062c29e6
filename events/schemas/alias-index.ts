import { z } from 'zod';
import type { AliasIndexEvent } from '../../domain/aliases/alias-index.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

/** Stored schemas of the alias index (domain/aliases). All at v1. */
const data = z.object({ alias: z.string().min(2).max(90), keyId: z.string().min(1) });

export const aliasIndexEventSchemas = {
  AliasClaimed: eventSchema('AliasClaimed', data),
  AliasReleased: eventSchema('AliasReleased', data),
} as const;

export const aliasIndexCodec = schemaCodec<AliasIndexEvent>(aliasIndexEventSchemas);
