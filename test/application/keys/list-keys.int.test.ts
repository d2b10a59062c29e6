/**
 * The list-keys use case against a real SQLite event store and key list, the in-process projector
 * and SoftHSM, on an instance larger than Key Protect's search space (5,000 keys): a search that
 * cannot be narrowed below it is refused with KEY_SEARCH_TOO_BROAD, except that a full key id or an
 * alias (in the `alias` scope) is looked up and returned alone with `incompleteSearch` (Key Protect's
 * API reference, list keys, `search`).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationError } from '../../../application/errors.ts';
import { createKey } from '../../../application/keys/create-key.ts';
import { listKeys, MAX_SEARCH_SPACE, type ListKeysInput } from '../../../application/keys/list-keys.ts';
import type { KeySummaryRow } from '../../../application/ports/key-list.ts';
import type { AppServices } from '../../../application/services.ts';
import { settingsFromEnv } from '../../../application/settings.ts';
import type { KeySearch } from '../../../domain/keys/key-listing.ts';
import { Projector } from '../../../events/projections/projector.ts';
import { openSqliteKeyList } from '../../../events/read-models/sqlite/sqlite-key-list.ts';
import { openSqliteEventStore } from '../../../events/store/sqlite/sqlite-event-store.ts';
import { openSoftHsm } from '../../../functions/crypto/pkcs11/open-softhsm.ts';

const search = (query: string, options: Partial<KeySearch> = {}): KeySearch => ({
  query,
  scopes: ['name', 'alias'],
  not: false,
  exact: false,
  ...options,
});

void describe('list keys: the search space (SQLite, SoftHSM)', () => {
  let dir: string;
  let services: AppServices;
  let close: () => Promise<void>;
  const instanceId = randomUUID();
  let keyId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyledger-list-keys-'));
    const file = join(dir, 'keyledger.db');
    const hsm = await openSoftHsm({ dataDir: dir });
    const store = await openSqliteEventStore({ file });
    const keyList = await openSqliteKeyList({ file });
    // 5,001 standard keys straight into the read model (the projection's rows, without their events),
    // one more than Key Protect searches; 2,600 Active, the rest Suspended.
    const filler = Array.from({ length: MAX_SEARCH_SPACE + 1 }, (_, i): KeySummaryRow => ({
      instanceId,
      keyId: `filler-${String(i).padStart(5, '0')}`,
      name: `filler ${i}`,
      aliases: [],
      state: i < 2600 ? 1 : 2,
      extractable: true,
      imported: false,
      keyRingId: 'default',
      creationDate: '2024-01-01T00:00:00.000Z',
      lastUpdateDate: '2024-01-01T00:00:00.000Z',
      lastVersion: 1,
      document: { name: `filler ${i}` },
    }));
    await keyList.applyBatch('key-list', '0', filler, []);
    const projector = new Projector(store, keyList, (error) => {
      throw error;
    });
    services = {
      store,
      hsm,
      keyList,
      settings: settingsFromEnv({}),
      catchUpReadModels: () => projector.catchUp(),
      now: () => new Date(),
      newId: () => randomUUID(),
    };
    const key = await createKey(services, { instanceId, requestId: 'r1', correlationId: undefined }, 'p', {
      keyType: 'root',
      name: 'the-root-key',
      keyRingId: 'default',
      aliases: ['needle'],
    });
    keyId = key.keyId;
    close = async () => {
      await projector.stop();
      await keyList.close();
      await store.close();
      await hsm.close();
    };
  });
  after(async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  });

  const list = (input: Partial<ListKeysInput>) => listKeys(services, instanceId, { limit: 200, offset: 0, ...input });
  const nameOf = (row: { documentJson: string }) => (JSON.parse(row.documentJson) as { name: string }).name;
  const names = async (input: Partial<ListKeysInput>) => (await list(input)).rows.map(nameOf);

  it('refuses a search over more than 5,000 keys with KEY_SEARCH_TOO_BROAD', async () => {
    await assert.rejects(list({ search: search('root') }), (error: unknown) => {
      assert.ok(error instanceof ApplicationError);
      assert.equal(error.code, 'KEY_SEARCH_TOO_BROAD');
      return true;
    });
    await assert.rejects(list({ search: search('needle', { scopes: ['name'] }) }), /more than 5000 keys/);
  });

  it('searches once state, extractable or the key ring narrow the space to 5,000 keys', async () => {
    assert.deepEqual(await names({ search: search('root'), extractable: false }), ['the-root-key']);
    assert.deepEqual(await names({ search: search('filler 2599'), states: [1] }), ['filler 2599']);
    const page = await list({ search: search('FILLER 1'), states: [1], limit: 3, totalCount: true });
    assert.deepEqual([page.rows.map(nameOf), page.total], [['filler 1', 'filler 10', 'filler 11'], 1111]);
    await assert.rejects(list({ search: search('filler'), extractable: true }), /more than 5000 keys/);
    assert.deepEqual(await names({ search: search('ROOT'), states: [1], extractable: false }), ['the-root-key']);
  });

  it('looks up a full key id, or an alias in the alias scope, and returns it alone: incompleteSearch', async () => {
    for (const found of [
      await list({ search: search(keyId.toUpperCase()), totalCount: true }),
      await list({ search: search('needle', { scopes: ['alias'] }), totalCount: true }),
      await list({ search: search('needle') }),
    ]) {
      assert.deepEqual(
        found.rows.map((r) => r.keyId),
        [keyId],
      );
      assert.equal(found.incompleteSearch, true);
    }
    assert.equal((await list({ search: search(keyId), totalCount: true })).total, 1);
    assert.deepEqual((await list({ search: search(keyId), offset: 1 })).rows, []);
    // Not a lookup: `not`, another alias, a key the other filters exclude.
    await assert.rejects(list({ search: search(keyId, { not: true }) }), /more than 5000 keys/);
    await assert.rejects(list({ search: search('needl', { scopes: ['alias'] }) }), /more than 5000 keys/);
    await assert.rejects(list({ search: search(keyId), extractable: true }), /more than 5000 keys/);
  });
});
