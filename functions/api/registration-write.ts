import { changeRegistration } from '../../application/keys/change-registration.ts';
import type { z } from 'zod';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import type { OperationDefinition } from './operations.ts';
import { collection, COLLECTION, registrationResource } from './responses/organize.ts';
import type { registrationBody } from './schemas/registrations.ts';
import { registrationFields } from './schemas/registrations.ts';

/**
 * The handler of a registration write on `/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}`
 * (create, update, replace differ only in the change, the status and an omitted preventKeyDeletion).
 * Key Protect reserves these writes to integrated IBM Cloud services; keyledger lets a caller with
 * the Manager role on the key make them, so a self-hosted service can register.
 */
export function registrationWriteHandler(
  operation: OperationDefinition<z.output<typeof registrationBody>, unknown>,
  change: 'created' | 'updated',
  status: 200 | 201,
  omittedPreventKeyDeletion?: boolean,
) {
  return keyProtectHandler(operation, async (req) => {
    const fields = registrationFields(req.body);
    const { key, registration } = await changeRegistration(
      req.runtime.services,
      req.scope,
      req.caller.principalId,
      req.param('id'),
      change,
      {
        crn: req.param('urlEncodedResourceCRN'),
        preventKeyDeletion: fields.preventKeyDeletion ?? omittedPreventKeyDeletion,
        description: fields.description,
      },
    );
    req.audit.keyId = key.keyId;
    if (!registration) throw new Error(`invariant: the registration exists after ${change}`);
    return json(status, collection(COLLECTION.registration, [registrationResource(key, registration)]));
  });
}
