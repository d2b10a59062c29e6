import { changeRegistration } from '../../application/keys/change-registration.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** DELETE /api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}: removes a registration (404 REGISTRATION_NOT_FOUND_ERR). */
export const handler = keyProtectHandler(operations.deleteRegistration, async (req) => {
  const { key } = await changeRegistration(
    req.runtime.services,
    req.scope,
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
