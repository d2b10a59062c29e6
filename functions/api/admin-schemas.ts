import { z } from 'zod';
import { ROLES } from '../../domain/access/roles.ts';

/** Request bodies of the administration API (CONTRACT.md "Administration API"). */

const name = z.string().trim().min(1).max(100);

export const createInstanceBody = z.object({ name }).strict();

export const createPrincipalBody = z.object({ name }).strict();

export const grantAccessBody = z
  .object({
    principalId: z.string().min(1).max(100),
    role: z.enum(ROLES),
    keyRingId: z
      .string()
      .min(2)
      .max(100)
      .regex(/^[a-zA-Z0-9-]+$/, 'must be a key ring id')
      .optional(),
    keyId: z.string().min(1).max(90).optional(),
  })
  .strict();
