import { changeAlias } from '../../application/aliases/change-alias.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** DELETE /api/v2/keys/{id}/aliases/{alias}: removes an alias (the key stays). */
export const handler = keyProtectHandler(operations.deleteKeyAlias, async (req) => {
  const key = await changeAlias(
    req.runtime.services,
    req.scope,
    req.caller.principalId,
    req.param('id'),
    req.param('alias'),
    'remove',
  );
  req.audit.keyId = key.keyId;
  return noContent();
});
