import { changeRegistration } from '../../application/keys/change-registration.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { requestScope } from './key-action-responses.ts';
import { collection, COLLECTION, registrationResource } from './organize-responses.ts';
import { registrationBody, registrationFields } from './registration-query.ts';

/**
 * PATCH /api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}: updates a registration's preventKeyDeletion and/or description; omitted fields keep their value.
 * Key Protect reserves registration writes to integrated IBM Cloud services; keyledger lets a
 * caller with write access to the key make them, so a self-hosted service can register.
 */
export const handler = keyProtectHandler('updateRegistration', registrationBody, async (req) => {
  const fields = registrationFields(req.body);
  const { key, registration } = await changeRegistration(req.runtime.services, requestScope(req), req.caller.principalId, req.param('id'), 'updated', {
    crn: req.param('urlEncodedResourceCRN'), preventKeyDeletion: fields.preventKeyDeletion, description: fields.description,
  });
  req.audit.keyId = key.keyId;
  if (!registration) throw new Error('invariant: the registration exists after updated');
  return json(200, collection(COLLECTION.registration, [registrationResource(key, registration)]));
});
