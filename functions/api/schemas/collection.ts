import { z } from 'zod';

/**
 * Key Protect's request collection, `{metadata: {collectionType, collectionTotal}, resources: [...]}`, as the
 * bodies of POST /keys and the policy PUTs take it. A `collectionTotal` that is not the number of resources is
 * 400 COLLECTION_TOTAL_MISMATCH_ERR (docs: error-messages); the issue carries that reason code for the error
 * mapper (functions/shared/errors.ts), and a malformed metadata is the mapper's BAD_BODY_ERR.
 */
const collectionMetadata = z.object({ collectionType: z.string(), collectionTotal: z.number().int() });

export function collectionOf<Item extends z.ZodType>(
  resources: z.ZodArray<Item>,
  options: { readonly metadata: 'optional' | 'required' },
) {
  return z
    .object({
      metadata: options.metadata === 'optional' ? collectionMetadata.optional() : collectionMetadata,
      resources,
    })
    .superRefine((body, ctx) => {
      const total = body.metadata?.collectionTotal;
      if (total !== undefined && total !== body.resources.length)
        ctx.addIssue({
          code: 'custom',
          path: ['metadata', 'collectionTotal'],
          message: 'Collection total does not match number of resources',
          params: { reason: 'COLLECTION_TOTAL_MISMATCH_ERR' },
        });
    });
}
