import { z } from 'zod';
import type { InstancePoliciesEvent } from '../../domain/instances/instance-policies.ts';
import type { InstancePolicyValue } from '../../domain/instances/policies.ts';
import type { StoredEvent } from '../store/event-store.ts';
import { eventSchema, UnknownEventSchemaError, type EventSchema } from './versioned.ts';

/** Stored schema of the instance-policies aggregate's event (domain/instances). All at v1. */
const policyValue = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('dualAuthDelete'), enabled: z.boolean() }),
  z.object({ policy: z.literal('rotation'), enabled: z.boolean(), intervalMonth: z.number().int().min(1).max(12).optional() }),
  z.object({ policy: z.literal('allowedNetwork'), enabled: z.boolean(), allowedNetwork: z.enum(['public-and-private', 'private-only']).optional() }),
  z.object({ policy: z.literal('allowedIP'), enabled: z.boolean(), ipAddresses: z.array(z.string().min(1)).optional() }),
  z.object({
    policy: z.literal('keyCreateImportAccess'),
    enabled: z.boolean(),
    attributes: z.object({
      createRootKey: z.boolean(),
      createStandardKey: z.boolean(),
      importRootKey: z.boolean(),
      importStandardKey: z.boolean(),
      enforceToken: z.boolean(),
    }).optional(),
  }),
  z.object({ policy: z.literal('metrics'), enabled: z.boolean() }),
]);

/** Compile-time proof that the stored schema yields the domain's policy value. */
export const instancePolicySchemaMatchesDomain: z.output<typeof policyValue> extends InstancePolicyValue ? true : false = true;

export const instancePolicyEventSchemas: { readonly InstancePolicySet: EventSchema<InstancePolicyValue> } = {
  InstancePolicySet: eventSchema('InstancePolicySet', policyValue),
};

export function isInstancePolicyEventType(type: string): type is InstancePoliciesEvent['type'] {
  return Object.hasOwn(instancePolicyEventSchemas, type);
}

export const instancePoliciesCodec = {
  encode(event: InstancePoliciesEvent) {
    const schema = instancePolicyEventSchemas[event.type];
    return { type: event.type, schemaVersion: schema.currentVersion, data: schema.encode(event.data) };
  },
  decode(stored: StoredEvent): InstancePoliciesEvent {
    if (!isInstancePolicyEventType(stored.type)) throw new UnknownEventSchemaError(stored.type, stored.schemaVersion);
    const data = instancePolicyEventSchemas[stored.type].parse(stored.schemaVersion, stored.data);
    return { type: stored.type, data, meta: { time: stored.meta.time, principalId: stored.meta.principalId } };
  },
};
