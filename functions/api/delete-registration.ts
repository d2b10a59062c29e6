import { changeRegistration } from '../../application/keys/change-registration.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { noContent, requestScope } from './key-action-responses.ts';

/** DELETE /api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}: removes a registration (404 REGISTRATION_NOT_FOUND_ERR). */
export const handler = keyProtectHandler('deleteRegistration', null, async (req) => {
  const { key } = await changeRegistration(
    req.runtime.services,
    requestScope(req),
    req.caller.principalId,
    req.param('id'),
    'deleted',
    {
      crn: req.param('urlEncodedResourceCRN'),
    },
  );
  req.audit.keyId = key.keyId;
  return noContent();
});
