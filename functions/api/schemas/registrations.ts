import { z } from 'zod';
import { booleanFilterParam, flagParam, pagingParams } from './params.ts';

/** GET /keys/{id}/registrations and GET /keys/registrations take the same filters (the SDK's names). */
export const registrationQuery = z.object({
  ...pagingParams,
  urlEncodedResourceCRNQuery: z.string().optional(),
  preventKeyDeletion: booleanFilterParam,
  totalCount: flagParam,
});

export function registrationFilter(q: z.infer<typeof registrationQuery>) {
  return {
    crnQuery: q.urlEncodedResourceCRNQuery,
    preventKeyDeletion: q.preventKeyDeletion,
    limit: q.limit,
    offset: q.offset,
  };
}

/** A registration write's body (Key Protect's registration_input collection); every field optional. */
export const registrationBody = z
  .object({
    metadata: z.object({ collectionType: z.string(), collectionTotal: z.number().int() }).optional(),
    resources: z
      .array(
        z.object({
          preventKeyDeletion: z.boolean().optional(),
          description: z.string().max(240).optional(),
          registrationMetadata: z.string().optional(),
          keyVersion: z.object({ id: z.string() }).optional(),
        }),
      )
      .max(1)
      .optional(),
    preventKeyDeletion: z.boolean().optional(),
    description: z.string().max(240).optional(),
  })
  .optional();

/** The fields of a registration write, from either the collection form or a bare object. */
export function registrationFields(body: z.infer<typeof registrationBody>): {
  preventKeyDeletion?: boolean | undefined;
  description?: string | undefined;
} {
  const r = body?.resources?.[0];
  return {
    preventKeyDeletion: r?.preventKeyDeletion ?? body?.preventKeyDeletion,
    description: r?.description ?? body?.description,
  };
}
