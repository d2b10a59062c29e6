import { listKeys } from '../../application/keys/list-keys.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { storedKeyCollection } from './responses/keys.ts';
import { operations } from './operations.ts';

/**
 * GET /api/v2/keys: the instance's keys (of the `x-kms-key-ring` ring only, when given), filtered,
 * searched, sorted (by id unless `sort` says otherwise) and paged as Key Protect does; counted only on
 * `totalCount=true`.
 */
export const handler = keyProtectHandler(operations.getKeys, async (req) => {
  const q = req.query;
  const page = await listKeys(req.runtime.services, req.instanceId, {
    ...q,
    keyRingId: req.header('x-kms-key-ring') || undefined,
    visible: req.access.filter,
  });
  return storedKeyCollection(req, page.rows, {
    ...(page.total === undefined ? {} : { totalCount: page.total }),
    ...(page.incompleteSearch ? { incompleteSearch: true } : {}),
    ...(q.search
      ? {
          searchQuery: {
            query: q.search.query,
            scopes: q.search.scopes,
            not: q.search.not,
            exact: q.search.exact,
          },
        }
      : {}),
  });
});
