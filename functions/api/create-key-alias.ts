import { changeAlias } from '../../application/aliases/change-alias.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION } from './responses/organize.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/aliases/{alias}: adds an alias, unique in the instance (409 DUPLICATE_ALIAS_ERR). */
export const handler = keyProtectHandler(operations.createKeyAlias, async (req) => {
  const alias = req.param('alias');
  const key = await changeAlias(req.runtime.services, req.scope, req.caller.principalId, req.param('id'), alias, 'add');
  req.audit.keyId = key.keyId;
  return json(
    201,
    collection(COLLECTION.alias, [
      { keyId: key.keyId, alias, createdBy: req.caller.principalId, creationDate: key.lastUpdateDate },
    ]),
  );
});
