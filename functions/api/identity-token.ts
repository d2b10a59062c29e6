import { issueToken } from '../../application/identity/issue-token.ts';
import { mapError } from '../shared/errors.ts';
import { formBody, json, publicHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';
import { APIKEY_GRANT } from './schemas/identity.ts';

/** IBM IAM's error body. */
function iamError(status: number, errorCode: string, errorMessage: string) {
  return json(status, { errorCode, errorMessage, context: { requestType: 'incoming.OIDC_Token' } });
}

/** POST /identity/token: IBM IAM's API key grant, so unmodified IBM SDKs authenticate. */
export const handler = publicHandler(operations.identityToken, async (req) => {
  const form = formBody(req.event);
  if (form.get('grant_type') !== APIKEY_GRANT) return iamError(400, 'BXNIM0308E', 'Grant type is not supported.');
  const apiKey = form.get('apikey');
  if (!apiKey) return iamError(400, 'BXNIM0415E', 'Provided API key could not be found.');
  try {
    const { token, principalId } = await issueToken(
      req.runtime.services,
      req.runtime.authenticator.verifier.rules,
      apiKey,
    );
    req.audit.principalId = principalId;
    return json(200, token);
  } catch (error) {
    const mapped = mapError(error);
    return mapped.status < 500
      ? iamError(400, 'BXNIM0415E', 'Provided API key could not be found.')
      : iamError(500, 'BXNIM0001E', 'Internal error.');
  }
});
