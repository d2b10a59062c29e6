import { z } from 'zod';
import type { AliasQuotaEvent } from '../../domain/aliases/alias-quota.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

/** Stored schemas of the instance's alias quota (domain/aliases/alias-quota.ts). All at v1. */
const data = z.object({ count: z.number().int().positive() });

export const aliasQuotaEventSchemas = {
  AliasQuotaTaken: eventSchema('AliasQuotaTaken', data),
  AliasQuotaReturned: eventSchema('AliasQuotaReturned', data),
} as const;

export const aliasQuotaCodec = schemaCodec<AliasQuotaEvent>(aliasQuotaEventSchemas);
