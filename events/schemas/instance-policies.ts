import { z } from 'zod';
import type { InstancePoliciesEvent } from '../../domain/instances/instance-policies.ts';
import type { InstancePolicyValue } from '../../domain/instances/policies.ts';
import { eventSchema, schemaCodec, type EventSchema } from './versioned.ts';

/** Stored schema of the instance-policies aggregate's event (domain/instances). All at v1. */
const policyValue = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('dualAuthDelete'), enabled: z.boolean() }),
  z.object({
    policy: z.literal('rotation'),
    enabled: z.boolean(),
    intervalMonth: z.number().int().min(1).max(12).optional(),
  }),
  z.object({
    policy: z.literal('allowedNetwork'),
    enabled: z.boolean(),
    allowedNetwork: z.enum(['public-and-private', 'private-only']).optional(),
  }),
  z.object({
    policy: z.literal('allowedIP'),
    enabled: z.boolean(),
    ipAddresses: z.array(z.string().min(1)).optional(),
  }),
  z.object({
    policy: z.literal('keyCreateImportAccess'),
    enabled: z.boolean(),
    attributes: z
      .object({
        createRootKey: z.boolean(),
        createStandardKey: z.boolean(),
        importRootKey: z.boolean(),
        importStandardKey: z.boolean(),
        enforceToken: z.boolean(),
      })
      .optional(),
  }),
  z.object({ policy: z.literal('metrics'), enabled: z.boolean() }),
]);

/** Compile-time proof that the stored schema yields the domain's policy value. */
export const instancePolicySchemaMatchesDomain: z.output<typeof policyValue> extends InstancePolicyValue
  ? true
  : false = true;

export const instancePolicyEventSchemas: { readonly InstancePolicySet: EventSchema<InstancePolicyValue> } = {
  InstancePolicySet: eventSchema('InstancePolicySet', policyValue),
};

export const instancePoliciesCodec = schemaCodec<InstancePoliciesEvent>(instancePolicyEventSchemas);
