import { z } from 'zod';
import { RequestError } from '../../shared/errors.ts';
import { collectionOf } from './collection.ts';
import type { KeyPolicyInput } from '../../../domain/keys/commands.ts';
import type { InstancePolicyValue } from '../../../domain/instances/policies.ts';

/** Request bodies and queries of the key and instance policy operations, as Key Protect takes them. */

export const keyPolicyQuery = z.object({ policy: z.enum(['rotation', 'dualAuthDelete']).optional() });

/** A key's rotation policy as Key Protect takes it, in a policy resource or in a key created with its policies. */
export const rotationPolicyBody = z.object({
  enabled: z.boolean().optional(),
  interval_month: z.number().int().optional(),
});
/** A key's dualAuthDelete policy, likewise. */
export const dualAuthDeletePolicyBody = z.object({ enabled: z.boolean() });

export const keyPolicyBody = collectionOf(
  z
    .array(
      z.object({
        type: z.string().optional(),
        rotation: rotationPolicyBody.optional(),
        dualAuthDelete: dualAuthDeletePolicyBody.optional(),
      }),
    )
    .min(1)
    .max(2),
  { metadata: 'required' },
);

/**
 * The key policies one body gives: rotation first, then dualAuthDelete. A rotation without `enabled`
 * is enabled; without `interval_month` it keeps the key's interval (the decider refuses a key without one).
 */
export function keyPolicyInputsOf(given: {
  readonly rotation?: z.output<typeof rotationPolicyBody> | undefined;
  readonly dualAuthDelete?: z.output<typeof dualAuthDeletePolicyBody> | undefined;
}): KeyPolicyInput[] {
  const { rotation, dualAuthDelete } = given;
  return [
    ...(rotation
      ? [{ policy: 'rotation' as const, enabled: rotation.enabled ?? true, intervalMonth: rotation.interval_month }]
      : []),
    ...(dualAuthDelete ? [{ policy: 'dualAuthDelete' as const, enabled: dualAuthDelete.enabled }] : []),
  ];
}

/** The key policies a PUT sets; with `?policy=`, exactly that one. */
export function keyPolicyInputs(
  body: z.infer<typeof keyPolicyBody>,
  only: 'rotation' | 'dualAuthDelete' | undefined,
): KeyPolicyInput[] {
  const inputs: KeyPolicyInput[] = [];
  for (const r of body.resources) {
    if ((r.rotation ? 1 : 0) + (r.dualAuthDelete ? 1 : 0) !== 1)
      throw new RequestError('BAD_BODY_ERR', 'Each resource sets exactly one policy: rotation or dualAuthDelete');
    inputs.push(...keyPolicyInputsOf(r));
  }
  if (only !== undefined && (inputs.length !== 1 || inputs[0]?.policy !== only)) {
    throw new RequestError(
      'BODY_QUERY_PARAM_MISMATCH_ERR',
      'Data in body does not match data required by query parameter',
    );
  }
  return inputs;
}

const INSTANCE_POLICY_TYPES = [
  'dualAuthDelete',
  'rotation',
  'allowedNetwork',
  'allowedIP',
  'keyCreateImportAccess',
  'metrics',
] as const;
export const instancePolicyQuery = z.object({ policy: z.enum(INSTANCE_POLICY_TYPES).optional() });

export const instancePolicyBody = collectionOf(
  z
    .array(
      z
        .object({
          // Checked against `?policy` first (instancePolicyInputs): Key Protect answers an unknown type there
          // with BODY_QUERY_PARAM_MISMATCH_ERR.
          policy_type: z.string(),
          policy_data: z
            .object({
              enabled: z.boolean(),
              attributes: z
                .object({
                  interval_month: z.number().int().optional(),
                  allowed_network: z.string().optional(),
                  allowed_ip: z.array(z.string()).optional(),
                  create_root_key: z.boolean().optional(),
                  create_standard_key: z.boolean().optional(),
                  import_root_key: z.boolean().optional(),
                  import_standard_key: z.boolean().optional(),
                  enforce_token: z.boolean().optional(),
                })
                .strict()
                .optional(),
            })
            .strict(),
        })
        .strict(),
    )
    .min(1),
  { metadata: 'required' },
);

/** The instance policies a PUT sets (the decider checks each policy's rules). */
export function instancePolicyInputs(
  body: z.infer<typeof instancePolicyBody>,
  only: (typeof INSTANCE_POLICY_TYPES)[number] | undefined,
): InstancePolicyValue[] {
  if (only !== undefined) {
    if (body.resources.length !== 1)
      throw new RequestError(
        'NUM_COLLECTION_RESOURCE_ERR',
        'Only a single instance policy may be created per query parameter: Please pass single resource object',
      );
    if (body.resources[0]?.policy_type !== only)
      throw new RequestError(
        'BODY_QUERY_PARAM_MISMATCH_ERR',
        'Data in body does not match data required by query parameter',
      );
  }
  return body.resources.map(({ policy_type: type, policy_data: { enabled, attributes: a } }): InstancePolicyValue => {
    const policy = INSTANCE_POLICY_TYPES.find((t) => t === type);
    if (policy === undefined)
      throw new RequestError(
        'INVALID_FIELD_ERR',
        `The field 'policy_type' must be: one of ${INSTANCE_POLICY_TYPES.join(', ')}`,
        {
          target: { type: 'field', name: 'policy_type' },
        },
      );
    switch (policy) {
      case 'dualAuthDelete':
      case 'metrics':
        if (a !== undefined) throw new RequestError('BAD_BODY_ERR', `The ${policy} policy takes no attributes`);
        return { policy, enabled };
      case 'rotation':
        return { policy, enabled, intervalMonth: a?.interval_month };
      case 'allowedNetwork':
        return {
          policy,
          enabled,
          allowedNetwork: a?.allowed_network as 'public-and-private' | 'private-only' | undefined,
        };
      case 'allowedIP':
        return { policy, enabled, ipAddresses: a?.allowed_ip };
      case 'keyCreateImportAccess': {
        if (a === undefined) return { policy, enabled };
        const set = (v: boolean | undefined, d: boolean) => v ?? d;
        return {
          policy,
          enabled,
          attributes: {
            createRootKey: set(a.create_root_key, true),
            createStandardKey: set(a.create_standard_key, true),
            importRootKey: set(a.import_root_key, true),
            importStandardKey: set(a.import_standard_key, true),
            enforceToken: set(a.enforce_token, false),
          },
        };
      }
      default: {
        const unhandled: never = policy;
        return unhandled;
      }
    }
  });
}
