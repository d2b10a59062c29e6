import { listKeyVersions } from '../../application/keys/list-key-versions.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

export const KEY_VERSION_COLLECTION_TYPE = 'application/vnd.ibm.kms.key.version+json';

/** GET /api/v2/keys/{id}/versions: the key's versions, newest first, paged; of a key in any state with `allKeyStates=true`. */
export const handler = keyProtectHandler(operations.getKeyVersions, async (req) => {
  const q = req.query;
  const page = await listKeyVersions(req.runtime.services, req.instanceId, req.param('id'), {
    limit: q.limit,
    offset: q.offset,
    allKeyStates: q.allKeyStates,
  });
  return json(200, {
    metadata: {
      collectionType: KEY_VERSION_COLLECTION_TYPE,
      collectionTotal: page.versions.length,
      ...(q.totalCount ? { totalCount: page.total } : {}),
    },
    resources: page.versions,
  });
});
