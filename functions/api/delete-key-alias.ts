import { changeAlias } from '../../application/aliases/change-alias.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { noContent, requestScope } from './key-action-responses.ts';

/** DELETE /api/v2/keys/{id}/aliases/{alias}: removes an alias (the key stays). */
export const handler = keyProtectHandler('deleteKeyAlias', null, async (req) => {
  const key = await changeAlias(
    req.runtime.services,
    requestScope(req),
    req.caller.principalId,
    req.param('id'),
    req.param('alias'),
    'remove',
  );
  req.audit.keyId = key.keyId;
  return noContent();
});
