/**
 * A root key with a long history, through the real use cases on a real store (SQLite, DynamoDB Local)
 * and SoftHSM: its stream head (the snapshot every load reads and every append rewrites) stays the
 * same size however often it rotates, and after the rotations a fresh store handle (a restarted
 * process: nothing cached) still unwraps what its first version sealed, wraps with the newest, and
 * lists every version page by page. Before the version index, the head carried every version's
 * material: on DynamoDB the 1,919th rotation of a key failed (the head passed 400 KB), and on SQLite
 * each rotation cost more than the last. The SQLite run rotates past that count; DynamoDB Local
 * rotates more slowly, so its run only reaches the second index page (versions 201 to 400), and
 * `npm run bench` measures 10,000 on both.
 *
 * A key whose first versions were committed before the index existed (their commits carried no index
 * appends, and its head snapshot 3 held every version) loads from that snapshot and still unwraps and
 * lists those versions, from its own stream.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { decideAppend, loadState, type RequestScope } from '../../../application/command-handler.ts';
import { createKey } from '../../../application/keys/create-key.ts';
import { findKey } from '../../../application/keys/find-key.ts';
import { keyAggregate, keyStreamId } from '../../../application/keys/key-aggregate.ts';
import { listKeyVersions } from '../../../application/keys/list-key-versions.ts';
import { toWrappedMaterial } from '../../../application/keys/material.ts';
import { rotateKey } from '../../../application/keys/rotate-key.ts';
import { unwrapKey } from '../../../application/keys/unwrap-key.ts';
import { wrapKey } from '../../../application/keys/wrap-key.ts';
import type { EventStore } from '../../../application/ports/event-store.ts';
import type { KeyListReadModel } from '../../../application/ports/key-list.ts';
import type { Hsm } from '../../../application/ports/hsm.ts';
import type { AppServices } from '../../../application/services.ts';
import { settingsFromEnv } from '../../../application/settings.ts';
import type { KeyCommand } from '../../../domain/keys/commands.ts';
import type { KeyVersion } from '../../../domain/keys/events.ts';
import { currentVersion, isExisting } from '../../../domain/keys/state.ts';
import { openSqliteKeyList } from '../../../events/read-models/sqlite/sqlite-key-list.ts';
import { createEventStoreTable } from '../../../events/store/dynamodb/create-table.ts';
import { openDynamoDbEventStore } from '../../../events/store/dynamodb/dynamodb-event-store.ts';
import { openSqliteEventStore } from '../../../events/store/sqlite/sqlite-event-store.ts';
import { openSoftHsm } from '../../../functions/crypto/pkcs11/open-softhsm.ts';
import {
  deleteTables,
  dynamoDbLocalEndpoint,
  localDynamoDbClient,
  uniqueTableNamer,
} from '../../support/dynamodb-local.ts';

const PRINCIPAL = 'large-history-test';
const settings = settingsFromEnv({ KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0' });

/** How a store is opened: again and again on the same data, each handle with its own caches. */
interface StoreKind {
  readonly name: string;
  readonly rotations: number;
  open(dir: string): Promise<EventStore>;
  cleanUp(): Promise<void>;
}

const sqlite: StoreKind = {
  name: 'SQLite',
  rotations: 2000,
  open: (dir) => openSqliteEventStore({ file: join(dir, 'events.db') }),
  cleanUp: () => Promise.resolve(),
};

function dynamoDb(endpoint: string): StoreKind {
  const admin = localDynamoDbClient(endpoint);
  const tableName = uniqueTableNamer('keyledger-test-history')();
  let created: Promise<void> | undefined;
  return {
    name: 'DynamoDB',
    rotations: 250,
    async open() {
      created ??= createEventStoreTable(admin, tableName);
      await created;
      const client = localDynamoDbClient(endpoint);
      const store = await openDynamoDbEventStore({ client, tableName });
      return {
        ...store,
        close: async () => {
          await store.close();
          client.destroy();
        },
      };
    },
    async cleanUp() {
      await deleteTables(admin, [tableName]);
      admin.destroy();
    },
  };
}

function largeHistory(kind: StoreKind): void {
  void describe(`a key with a long history (${kind.name}, SoftHSM)`, () => {
    let dir: string;
    let hsm: Hsm;
    let keyList: KeyListReadModel;
    const stores: EventStore[] = [];
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    const scope: RequestScope = { instanceId: randomUUID() };

    /** Services on a new store handle: a process that has read nothing yet. */
    const freshServices = async (): Promise<AppServices> => {
      const store = await kind.open(dir);
      stores.push(store);
      return {
        store,
        hsm,
        keyList,
        settings,
        catchUpReadModels: () => Promise.resolve(),
        now: () => new Date(now),
        newId: () => randomUUID(),
      };
    };
    const tick = () => {
      now += 1000;
    };
    const headSize = async (services: AppServices, keyId: string): Promise<number> =>
      JSON.stringify((await services.store.readHead(keyStreamId(keyId)))?.snapshot).length;
    /** Every version id, newest first, through GET /keys/{id}/versions' use case, 200 at a time. */
    const listAll = async (services: AppServices, keyId: string): Promise<{ ids: string[]; total: number }> => {
      const ids: string[] = [];
      let total = 0;
      for (let offset = 0; ; offset += 200) {
        const page = await listKeyVersions(services, scope.instanceId, keyId, {
          limit: 200,
          offset,
          allKeyStates: false,
        });
        total = page.total;
        ids.push(...page.versions.map((v) => v.id));
        if (page.versions.length < 200) return { ids, total };
      }
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'keyledger-history-'));
      hsm = await openSoftHsm({ dataDir: dir });
      keyList = await openSqliteKeyList({ file: join(dir, 'key-list.db') });
    });
    after(async () => {
      for (const store of stores) await store.close();
      await keyList.close();
      await hsm.close();
      await kind.cleanUp();
      await rm(dir, { recursive: true, force: true });
    });

    void it(`rotates ${kind.rotations} times with a head that does not grow, then unwraps version 1, wraps with the newest and lists them all`, async () => {
      const services = await freshServices();
      const key = await createKey(services, scope, PRINCIPAL, { keyType: 'root', name: 'long', keyRingId: 'default' });
      const sealed = await wrapKey(services, scope.instanceId, key.keyId, { aad: ['first'] });
      const ids: (string | undefined)[] = [key.recentVersions[0]?.id];
      let sizeOnceFull = 0;
      for (let i = 1; i <= kind.rotations; i++) {
        tick();
        const rotated = await rotateKey(services, scope, PRINCIPAL, key.keyId);
        ids.push(rotated.recentVersions.at(-1)?.id);
        // From the tenth rotation on, the head holds ten versions, as it will after the last one.
        if (i === 10) sizeOnceFull = await headSize(services, key.keyId);
      }
      const sizeAtEnd = await headSize(services, key.keyId);
      assert.ok(sizeOnceFull > 0 && sizeOnceFull < 4096, `a head of ten versions is small (${sizeOnceFull} bytes)`);
      // Only the digits of the version count and of the dates may differ.
      assert.ok(sizeAtEnd - sizeOnceFull < 16, `the head went from ${sizeOnceFull} to ${sizeAtEnd} bytes`);

      const restarted = await freshServices();
      const opened = await unwrapKey(restarted, scope.instanceId, key.keyId, {
        ciphertext: sealed.ciphertext,
        aad: ['first'],
      });
      assert.deepEqual(opened.plaintext, sealed.plaintext);
      assert.equal(opened.keyVersionId, ids[0]);
      assert.equal(opened.rewrapped?.keyVersionId, ids.at(-1));
      // The same ciphertext naming a version the key never had (header: "KL", format, key id, version id).
      const forged = Buffer.from(sealed.ciphertext, 'base64');
      randomBytes(16).copy(forged, 19);
      await assert.rejects(
        unwrapKey(restarted, scope.instanceId, key.keyId, { ciphertext: forged.toString('base64'), aad: ['first'] }),
        { code: 'UNPROCESSABLE_CIPHERTEXT_ERR' },
      );
      const wrapped = await wrapKey(restarted, scope.instanceId, key.keyId, { aad: [] });
      assert.equal(wrapped.keyVersionId, ids.at(-1));

      const listed = await listAll(restarted, key.keyId);
      assert.equal(listed.total, kind.rotations + 1);
      assert.deepEqual(listed.ids, [...ids].reverse());
      const middle = await listKeyVersions(restarted, scope.instanceId, key.keyId, {
        limit: 3,
        offset: kind.rotations - 201,
        allKeyStates: false,
      });
      assert.deepEqual(
        middle.versions.map((v) => v.id),
        [ids[201], ids[200], ids[199]],
        'a page across an index page boundary',
      );
      const beyond = await listKeyVersions(restarted, scope.instanceId, key.keyId, {
        limit: 200,
        offset: kind.rotations + 1,
        allKeyStates: false,
      });
      assert.deepEqual(beyond.versions, []);
    });

    void it('unwraps and lists the versions a key had before the version index existed', async () => {
      const services = await freshServices();
      const keyId = randomUUID();
      const context = () => ({ keyId, now: new Date(now).toISOString(), principalId: PRINCIPAL, settings });
      const inline: KeyVersion[] = [];
      // A commit as made before the index: no index append, and snapshot 3, which held every version.
      const run = async (command: KeyCommand) => {
        const streamId = keyStreamId(keyId);
        const decision = decideAppend(
          keyAggregate,
          streamId,
          await loadState(services.store, keyAggregate, streamId),
          command,
          scope,
        );
        if (!decision.append || !isExisting(decision.state)) throw new Error('the command changed nothing');
        const { versionCount: _count, recentVersions, ...facts } = decision.state;
        inline.push(recentVersions.at(-1) ?? assert.fail('a key has a version'));
        await services.store.append([
          { ...decision.append, snapshot: { v: 3, state: { ...facts, versions: [...inline] } } },
        ]);
      };
      const ids: string[] = [randomUUID()];
      await run({
        type: 'CreateKey',
        ...context(),
        instanceId: scope.instanceId,
        keyType: 'root',
        name: 'older',
        extractable: false,
        keyRingId: 'default',
        imported: false,
        versionId: ids[0] ?? '',
        material: toWrappedMaterial(await hsm.generateAesKey()),
        dualAuthDelete: false,
      });
      const sealed = await wrapKey(services, scope.instanceId, keyId, { aad: [] });
      for (let i = 0; i < 14; i++) {
        tick();
        const versionId = randomUUID();
        ids.push(versionId);
        const material = toWrappedMaterial(await hsm.generateAesKey());
        await run({ type: 'RotateKey', ...context(), versionId, material, suppliedByCaller: false });
      }
      const loaded = await findKey(await freshServices(), scope.instanceId, keyId);
      assert.equal(loaded.versionCount, 15, 'snapshot 3 read as the key it was');
      assert.equal(currentVersion(loaded).id, ids[14]);
      // Then rotated by today's code: each rotation pushes a version out of the state into the index (6, 7, ...).
      for (let i = 0; i < 12; i++) {
        tick();
        ids.push((await rotateKey(services, scope, PRINCIPAL, keyId)).recentVersions.at(-1)?.id ?? '');
      }

      const restarted = await freshServices();
      const opened = await unwrapKey(restarted, scope.instanceId, keyId, { ciphertext: sealed.ciphertext, aad: [] });
      assert.deepEqual(opened.plaintext, sealed.plaintext);
      assert.equal(opened.keyVersionId, ids[0]);
      const listed = await listAll(restarted, keyId);
      assert.equal(listed.total, 27);
      assert.deepEqual(listed.ids, [...ids].reverse());
    });
  });
}

largeHistory(sqlite);
const local = dynamoDbLocalEndpoint();
if ('error' in local) {
  void test('DynamoDB Local is available', () => assert.fail(local.error));
} else {
  largeHistory(dynamoDb(local.endpoint));
}
