/**
 * GET and HEAD /api/v2/keys as Key Protect answers them, driven with the Go client's exact requests
 * (test/support/go-client.ts) in both local modes: `x-kms-key-ring` narrows the listing and an unknown
 * ring is refused, the default order is by id, `sort`, `search` and `filter` in Key Protect's syntax,
 * and Key Protect's 400 INVALID_QUERY_PARAM_ERR for bad values. Expected answers are written out from
 * Key Protect's API reference (list keys: sort, search, filter).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GoKeyProtectClient, firstResource, reasonCode, type GoResponse } from '../support/go-client.ts';
import { STORE_MODES, startServer, storeEnv, tokenFor, type ServerProcess } from '../support/local-server.ts';

type Key = { id: string; name: string; keyRingID: string };
const keysOf = (res: GoResponse): Key[] => {
  assert.equal(res.status, 200, res.text);
  return (res.body as { resources: Key[] }).resources;
};
const names = (res: GoResponse): string[] => keysOf(res).map((k) => k.name);
const metadataOf = (res: GoResponse) => (res.body as { metadata: Record<string, unknown> }).metadata;

for (const mode of STORE_MODES)
  void describe(`GET and HEAD /keys: key ring, sort, search, filter (${mode})`, () => {
    let server: ServerProcess;
    let kp: GoKeyProtectClient;
    /** name -> id, in creation order. */
    const ids = new Map<string, string>();

    before(async () => {
      server = await startServer({
        ...storeEnv(mode),
        KEYLEDGER_ADMIN_API_KEY: 'e2e-key-listing-admin-key-0123456789',
        KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
      });
      kp = new GoKeyProtectClient(server.url, await tokenFor(server.url, server.adminApiKey), server.defaultInstanceId);
      assert.equal((await kp.createKeyRing('ring-one')).status, 201);
      const inRing = kp.withKeyRing('ring-one');
      for (const [name, client, extractable, aliases] of [
        ['alpha', kp, false, ['a1']],
        ['beta', inRing, true, []],
        ['gamma', inRing, false, ['gamma-alias']],
        ['delta', kp, true, ['xa1y']],
      ] as const) {
        const created = await client.createKey(name, extractable, { aliases: [...aliases] });
        assert.equal(created.status, 201, created.text);
        ids.set(name, firstResource(created).id as string);
      }
      assert.equal((await kp.rotateV2(ids.get('alpha') as string)).status, 204);
    });
    after(() => server.dispose());

    it('x-kms-key-ring lists and counts only that ring; an unknown ring is refused', async () => {
      const inRing = kp.withKeyRing('ring-one');
      assert.deepEqual(names(await inRing.listKeys({ sort: 'creationDate' })), ['beta', 'gamma']);
      assert.deepEqual(
        keysOf(await inRing.getKeys(0, 0)).map((k) => k.keyRingID),
        ['ring-one', 'ring-one'],
      );
      assert.deepEqual(names(await kp.withKeyRing('default').listKeys({ sort: 'creationDate' })), ['alpha', 'delta']);
      const head = await inRing.request('HEAD', 'keys');
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('key-total'), '2');
      assert.equal((await kp.request('HEAD', 'keys')).headers.get('key-total'), '4');

      const unknown = await kp.withKeyRing('no-such-ring').listKeys({});
      assert.deepEqual([unknown.status, reasonCode(unknown)], [404, 'KEY_RING_NOT_FOUND_ERR']);
      assert.equal((await kp.withKeyRing('no-such-ring').request('HEAD', 'keys')).status, 404);
    });

    it('lists by key id unless sorted; sort takes every property, "-" for descending, several', async () => {
      const byId = keysOf(await kp.getKeys(0, 0)).map((k) => k.id);
      assert.deepEqual(byId, [...ids.values()].sort());
      assert.deepEqual(names(await kp.listKeys({ sort: 'creationDate' })), ['alpha', 'beta', 'gamma', 'delta']);
      assert.deepEqual(names(await kp.listKeys({ sort: '-creationDate' })), ['delta', 'gamma', 'beta', 'alpha']);
      assert.deepEqual(names(await kp.listKeys({ sort: 'extractable,-creationDate' })), [
        'gamma',
        'alpha',
        'delta',
        'beta',
      ]);
      // Only alpha was rotated: keys without the date sort first.
      assert.deepEqual(names(await kp.listKeys({ sort: 'lastRotateDate,creationDate' })).at(-1), 'alpha');
      assert.deepEqual(names(await kp.listKeys({ sort: '-lastUpdateDate', limit: 1 })), ['alpha']);
      assert.deepEqual(names(await kp.listKeys({ sort: 'creationDate', limit: 2, offset: 1 })), ['beta', 'gamma']);

      const bad = await kp.listKeys({ sort: 'ids' });
      assert.deepEqual([bad.status, reasonCode(bad)], [400, 'INVALID_QUERY_PARAM_ERR']);
    });

    it('search: names and aliases, exact, not, escape, scopes; the key named by its id comes first', async () => {
      const search = async (query: string, extra: Parameters<GoKeyProtectClient['listKeys']>[0] = {}) =>
        names(await kp.listKeys({ sort: 'creationDate', ...extra, search: query }));
      assert.deepEqual(await search('ALPHA'), ['alpha']);
      assert.deepEqual(await search('alias:exact:a1'), ['alpha']);
      assert.deepEqual(await search('alias:gamma'), ['gamma']);
      assert.deepEqual(await search('name:a1'), []);
      assert.deepEqual(await search('a'), ['alpha', 'beta', 'gamma', 'delta']);
      assert.deepEqual(await search('alias:exact:XA1Y'), ['delta']);
      assert.deepEqual(await search('not:alpha'), ['beta', 'gamma', 'delta']);
      assert.deepEqual(await search('not:exact:alpha'), ['beta', 'gamma', 'delta']);
      assert.deepEqual(await search('escape:not:alpha'), []);
      assert.deepEqual(await search('ta', { extractable: true }), ['beta', 'delta']);

      const gammaId = ids.get('gamma') as string;
      assert.deepEqual(await search(gammaId), ['gamma']);
      assert.deepEqual(await search('alias:gamma-alias', { sort: '-creationDate' }), ['gamma']);
      assert.deepEqual(await search('name:a', { sort: '-creationDate' }), ['delta', 'gamma', 'beta', 'alpha']);
      assert.deepEqual(
        await search('alias:a1', { sort: '-creationDate' }),
        ['alpha', 'delta'],
        'the key with that very alias first, then the other matches',
      );
      assert.deepEqual(await search('a1', { sort: '-creationDate' }), ['alpha', 'delta'], 'no scope: both, alias too');

      const meta = metadataOf(await kp.listKeys({ search: 'alias:exact:a1' }));
      assert.deepEqual(meta.searchQuery, { query: 'a1', scopes: ['alias'], not: false, exact: true });
      assert.equal(meta.incompleteSearch, undefined);
    });

    it('filter: dates with operators and none, state and extractable; bad filters are 400', async () => {
      const filter = async (value: string, extra: Parameters<GoKeyProtectClient['listKeys']>[0] = {}) =>
        names(await kp.listKeys({ sort: 'creationDate', ...extra, filter: value }));
      assert.deepEqual(await filter(' lastRotateDate=none'), ['beta', 'gamma', 'delta']);
      assert.deepEqual(await filter(' expirationDate=none extractable=true'), ['beta', 'delta']);
      const alphaCreated = firstResource(await kp.getKeyMetadata(ids.get('alpha') as string)).creationDate as string;
      assert.deepEqual(await filter(` creationDate=gt:"${alphaCreated}"`), ['beta', 'gamma', 'delta']);
      assert.deepEqual(await filter(` creationDate="${alphaCreated}"`), ['alpha']);
      assert.deepEqual(await filter(` creationDate=lte:"${alphaCreated}" state=1,2`), ['alpha']);
      assert.deepEqual(await filter(' creationDate=lt:"2000-01-01T00:00:00.0000001Z"'), []);
      const head = await kp.request('HEAD', 'keys', { query: { filter: ' lastRotateDate=none extractable=false' } });
      assert.equal(head.headers.get('key-total'), '1');

      for (const query of [
        { filter: 'creationDate="2022-03-16"' } as Record<string, string>,
        { filter: 'state=1', state: '1' },
        { filter: 'owner="me"' },
      ]) {
        const res = await kp.request('GET', 'keys', { query });
        assert.deepEqual([res.status, reasonCode(res)], [400, 'INVALID_QUERY_PARAM_ERR'], JSON.stringify(query));
      }
      const limit = await kp.listKeys({ limit: 0 });
      assert.deepEqual([limit.status, reasonCode(limit)], [400, 'INVALID_QUERY_PARAM_ERR']);
    });

    it('totalCount counts what the query selects, not the page', async () => {
      const res = await kp.request('GET', 'keys', {
        query: { totalCount: 'true', limit: '1', search: 'a,', extractable: 'false' },
      });
      assert.deepEqual([keysOf(res).length, metadataOf(res).totalCount], [1, 2]);
    });
  });
