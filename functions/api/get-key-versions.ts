import { z } from 'zod';
import { listKeyVersions } from '../../application/keys/list-key-versions.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { flagParam, pagingParams } from './query-params.ts';

export const KEY_VERSION_COLLECTION_TYPE = 'application/vnd.ibm.kms.key.version+json';

const query = z.object({ ...pagingParams, totalCount: flagParam });

/** GET /api/v2/keys/{id}/versions: the key's versions, newest first, paged. */
export const handler = keyProtectHandler('getKeyVersions', null, async (req) => {
  const q = query.parse(req.event.queryStringParameters ?? {});
  const page = await listKeyVersions(req.runtime.services, req.instanceId, req.param('id'), {
    limit: q.limit,
    offset: q.offset,
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
