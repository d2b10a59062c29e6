/**
 * The key lifecycle through the official, unmodified Key Protect SDK against the local server:
 * disable/enable, rotate and versions, delete/restore/purge, set/unset for deletion, sync, listing
 * filters and HEAD /keys. First with Key Protect's waiting periods (the operator defaults): every
 * refusal comes with Key Protect's status and reason code. Then with every waiting period at 0:
 * the operations succeed, 20 rotations leave every version's ciphertexts unwrappable, and a
 * restart changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IamAuthenticator } from '@ibm-cloud/ibm-key-protect/auth/index.js';
import KeyProtect from '@ibm-cloud/ibm-key-protect/ibm-key-protect-api/v2.js';
import { STORE_MODES, startServer, storeEnv, tokenFor, type ServerProcess } from '../support/local-server.ts';

type Sdk = InstanceType<typeof KeyProtect>;

/** The SDK's typings declare request bodies as Buffer | ReadableStream, but it sends plain objects as JSON. */
const body = (value: object): Buffer => value as unknown as Buffer;
const KEY_TYPE = 'application/vnd.ibm.kms.key+json';
const ADMIN_API_KEY = 'e2e-lifecycle-admin-api-key-0123456789';

function sdkFor(server: ServerProcess): Sdk {
  return new KeyProtect({
    authenticator: new IamAuthenticator({ apikey: server.adminApiKey, url: server.url }),
    serviceUrl: server.url,
  });
}

type ErrorBody = { resources: { reasons: { code: string }[] }[] };

/** The status and Key Protect reason code of a call that must fail. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    // The SDK hands the error body over as JSON text; for the calls it streams (restoreKey) it
    // keeps the unread stream instead, so only the status is known there (see `call`).
    const e = error as { status: number; body: unknown };
    return { status: e.status, code: typeof e.body === 'string' ? reasonOf(JSON.parse(e.body)) : undefined };
  }
  assert.fail('expected the SDK call to fail');
}

interface KeyBody {
  id: string;
  state: number;
  deleted?: boolean;
  keyVersion?: { id: string };
  [field: string]: unknown;
}

async function createRoot(sdk: Sdk, instance: string, name: string, payload?: string): Promise<string> {
  const res = await sdk.createKey({
    bluemixInstance: instance,
    body: body({
      metadata: { collectionType: KEY_TYPE, collectionTotal: 1 },
      resources: [{ type: KEY_TYPE, name, extractable: false, ...(payload ? { payload } : {}) }],
    }),
  });
  assert.equal(res.status, 201);
  const id = res.result.resources?.[0]?.id;
  assert.ok(id);
  return id;
}

async function createStandard(sdk: Sdk, instance: string, name: string): Promise<string> {
  const res = await sdk.createKey({
    bluemixInstance: instance,
    body: body({
      metadata: { collectionType: KEY_TYPE, collectionTotal: 1 },
      resources: [{ type: KEY_TYPE, name, extractable: true }],
    }),
  });
  const id = res.result.resources?.[0]?.id;
  assert.ok(id);
  return id;
}

async function metadata(sdk: Sdk, instance: string, id: string): Promise<KeyBody> {
  const res = await sdk.getKeyMetadata({ bluemixInstance: instance, id });
  return res.result.resources?.[0] as unknown as KeyBody;
}

/** A plain HTTP call, as a Key Protect client makes those the SDK has no method for (purge). */
async function call(server: ServerProcess, method: string, path: string): Promise<{ status: number; body: unknown }> {
  const token = await tokenFor(server.url, server.adminApiKey);
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'bluemix-instance': server.defaultInstanceId, accept: KEY_TYPE },
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const purge = (server: ServerProcess, id: string) => call(server, 'DELETE', `/api/v2/keys/${id}/purge`);

function reasonOf(errorBody: unknown): string | undefined {
  return (errorBody as ErrorBody | undefined)?.resources[0]?.reasons[0]?.code;
}

const dek = (n: number): string => Buffer.alloc(32, n).toString('base64');

for (const mode of STORE_MODES)
  void describe(`Key Protect SDK lifecycle at the default waiting periods (${mode})`, () => {
    let server: ServerProcess;
    let sdk: Sdk;
    let instance: string;
    let rootId: string;

    before(async () => {
      server = await startServer({ ...storeEnv(mode), KEYLEDGER_ADMIN_API_KEY: ADMIN_API_KEY });
      sdk = sdkFor(server);
      instance = server.defaultInstanceId;
      rootId = await createRoot(sdk, instance, 'lifecycle-defaults');
    });
    after(async () => {
      await server.dispose();
    });

    void it('rotates once, then refuses a second rotation within the hour (409 KEY_ROTATION_NOT_PERMITTED)', async () => {
      const before = await metadata(sdk, instance, rootId);
      const rotated = await sdk.rotateKey({ bluemixInstance: instance, id: rootId });
      assert.equal(rotated.status, 204);
      const afterRotation = await metadata(sdk, instance, rootId);
      assert.notEqual(afterRotation.keyVersion?.id, before.keyVersion?.id);
      assert.ok(afterRotation.lastRotateDate);
      assert.deepEqual(await refusal(sdk.rotateKey({ bluemixInstance: instance, id: rootId })), {
        status: 409,
        code: 'KEY_ROTATION_NOT_PERMITTED',
      });
    });

    void it('lists versions newest first, with limit, offset and totalCount', async () => {
      const all = await sdk.getKeyVersions({ bluemixInstance: instance, id: rootId });
      assert.equal(all.status, 200);
      const ids = (all.result.resources ?? []).map((v) => v.id);
      assert.equal(ids.length, 2);
      assert.equal(ids[0], (await metadata(sdk, instance, rootId)).keyVersion?.id);
      assert.equal(all.result.metadata?.collectionType, 'application/vnd.ibm.kms.key.version+json');
      const page = await sdk.getKeyVersions({
        bluemixInstance: instance,
        id: rootId,
        limit: 1,
        offset: 1,
        headers: {},
      });
      assert.deepEqual(
        (page.result.resources ?? []).map((v) => v.id),
        [ids[1]],
      );
      const token = await tokenFor(server.url, server.adminApiKey);
      const counted = await fetch(`${server.url}/api/v2/keys/${rootId}/versions?limit=1&totalCount=true`, {
        headers: { authorization: `Bearer ${token}`, 'bluemix-instance': instance },
      });
      const countedBody = (await counted.json()) as { metadata: { collectionTotal: number; totalCount: number } };
      assert.deepEqual(countedBody.metadata, {
        collectionType: 'application/vnd.ibm.kms.key.version+json',
        collectionTotal: 1,
        totalCount: 2,
      });
    });

    void it('disables a key: wrap answers 409 KEY_ACTION_INVALID_STATE_ERR, enable right after 409 REQ_TOO_EARLY_ERR', async () => {
      const id = await createRoot(sdk, instance, 'to-disable');
      const disabled = await sdk.disableKey({ bluemixInstance: instance, id });
      assert.equal(disabled.status, 204);
      assert.equal((await metadata(sdk, instance, id)).state, 2);
      assert.deepEqual(
        await refusal(sdk.wrapKey({ bluemixInstance: instance, id, keyActionWrapBody: body({ plaintext: dek(1) }) })),
        { status: 409, code: 'KEY_ACTION_INVALID_STATE_ERR' },
      );
      assert.deepEqual(await refusal(sdk.enableKey({ bluemixInstance: instance, id })), {
        status: 409,
        code: 'REQ_TOO_EARLY_ERR',
      });
      assert.deepEqual(await refusal(sdk.disableKey({ bluemixInstance: instance, id })), {
        status: 409,
        code: 'KEY_ACTION_INVALID_STATE_ERR',
      });
    });

    void it('filters the key list by state and extractable, pages it, and counts it in HEAD Key-Total', async () => {
      const standardId = await createStandard(sdk, instance, 'std-for-listing');
      const suspended = await sdk.getKeys({ bluemixInstance: instance, state: [2] });
      const suspendedKeys = (suspended.result.resources ?? []) as unknown as KeyBody[];
      assert.ok(suspendedKeys.length >= 1);
      assert.ok(suspendedKeys.every((k) => k.state === 2));
      const standard = await sdk.getKeys({ bluemixInstance: instance, extractable: true });
      assert.deepEqual(
        (standard.result.resources ?? []).map((k) => k.id),
        [standardId],
      );
      const roots = await sdk.getKeys({ bluemixInstance: instance, extractable: false, state: [1, 2] });
      assert.ok((roots.result.resources ?? []).every((k) => k.extractable === false));
      const all = await sdk.getKeys({ bluemixInstance: instance });
      const total = all.result.resources?.length ?? 0;
      const page = await sdk.getKeys({ bluemixInstance: instance, limit: 1, offset: 1 });
      assert.equal(page.result.resources?.length, 1);
      assert.equal(page.result.resources?.[0]?.id, all.result.resources?.[1]?.id);
      const head = await sdk.getKeyCollectionMetadata({ bluemixInstance: instance });
      assert.equal(head.status, 200);
      assert.equal(head.headers['key-total'], String(total));
      const headStandard = await sdk.getKeyCollectionMetadata({ bluemixInstance: instance, extractable: true });
      assert.equal(headStandard.headers['key-total'], '1');
      assert.equal((await refusal(sdk.getKeys({ bluemixInstance: instance, limit: 5001 }))).status, 400);
      assert.equal((await refusal(sdk.getKeys({ bluemixInstance: instance, state: [7] }))).status, 400);
    });

    void it('syncs once, then refuses a second sync within the hour (409 REQ_TOO_EARLY_ERR)', async () => {
      const id = await createRoot(sdk, instance, 'to-sync');
      assert.equal((await sdk.syncAssociatedResources({ bluemixInstance: instance, id })).status, 204);
      assert.deepEqual(await refusal(sdk.syncAssociatedResources({ bluemixInstance: instance, id })), {
        status: 409,
        code: 'REQ_TOO_EARLY_ERR',
      });
    });

    void it('refuses set/unset for deletion on a key without a dual authorization policy (409 NOT_DUAL_AUTH_ERR)', async () => {
      assert.deepEqual(await refusal(sdk.setKeyForDeletion({ bluemixInstance: instance, id: rootId })), {
        status: 409,
        code: 'NOT_DUAL_AUTH_ERR',
      });
      assert.deepEqual(await refusal(sdk.unsetKeyForDeletion({ bluemixInstance: instance, id: rootId })), {
        status: 409,
        code: 'NOT_DUAL_AUTH_ERR',
      });
    });

    void it('deletes (200 with the key on return=representation, 204 on return=minimal); a deleted key answers 410, restore too early 409, purge before 4 h 409', async () => {
      const id = await createRoot(sdk, instance, 'to-delete');
      const wrapped = await sdk.wrapKey({
        bluemixInstance: instance,
        id,
        keyActionWrapBody: body({ plaintext: dek(2) }),
      });
      const deleted = await sdk.deleteKey({ bluemixInstance: instance, id, prefer: 'return=representation' });
      assert.equal(deleted.status, 200);
      const key = deleted.result.resources?.[0] as unknown as KeyBody;
      assert.equal(key.state, 5);
      assert.equal(key.deleted, true);
      assert.ok(key.deletionDate);
      assert.ok(key.deletedBy);
      const meta = await metadata(sdk, instance, id);
      assert.equal(meta.state, 5);
      const gone = { status: 410, code: 'KEY_DELETED_ERR' };
      assert.deepEqual(
        await refusal(sdk.wrapKey({ bluemixInstance: instance, id, keyActionWrapBody: body({ plaintext: dek(2) }) })),
        gone,
      );
      assert.deepEqual(
        await refusal(
          sdk.unwrapKey({
            bluemixInstance: instance,
            id,
            keyActionUnwrapBody: body({ ciphertext: wrapped.result.ciphertext }),
          }),
        ),
        gone,
      );
      assert.deepEqual(await refusal(sdk.rotateKey({ bluemixInstance: instance, id })), gone);
      assert.deepEqual(await refusal(sdk.disableKey({ bluemixInstance: instance, id })), gone);
      assert.deepEqual(await refusal(sdk.deleteKey({ bluemixInstance: instance, id })), gone);
      assert.equal((await refusal(sdk.restoreKey({ bluemixInstance: instance, id }))).status, 409);
      const tooEarly = await call(server, 'POST', `/api/v2/keys/${id}/restore`);
      assert.deepEqual([tooEarly.status, reasonOf(tooEarly.body)], [409, 'REQ_TOO_EARLY_ERR']);
      const early = await purge(server, id);
      assert.equal(early.status, 409);
      assert.equal(reasonOf(early.body), 'REQ_TOO_EARLY_ERR');
      const listed = await sdk.getKeys({ bluemixInstance: instance });
      assert.ok(
        !(listed.result.resources ?? []).some((k) => k.id === id),
        'GET /keys leaves Destroyed keys out by default',
      );
      const destroyed = await sdk.getKeys({ bluemixInstance: instance, state: [5] });
      assert.deepEqual(
        (destroyed.result.resources ?? []).map((k) => k.id),
        [id],
      );

      const minimalId = await createRoot(sdk, instance, 'to-delete-minimal');
      const minimal = await sdk.deleteKey({ bluemixInstance: instance, id: minimalId, prefer: 'return=minimal' });
      assert.equal(minimal.status, 204);
    });

    void it('purging an active key is refused (409 KEY_ACTION_INVALID_STATE_ERR) and an unknown key is 404', async () => {
      const active = await purge(server, rootId);
      assert.equal(active.status, 409);
      assert.equal(reasonOf(active.body), 'KEY_ACTION_INVALID_STATE_ERR');
      const unknown = await purge(server, '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b');
      assert.equal(unknown.status, 404);
    });
  });

for (const mode of STORE_MODES)
  void describe(`Key Protect SDK lifecycle with every waiting period at 0 (${mode})`, () => {
    let server: ServerProcess;
    let sdk: Sdk;
    let instance: string;
    let rootId: string;
    /** One ciphertext per version of rootId, oldest first, with the DEK it holds. */
    const sealed: { ciphertext: string; plaintext: string; versionId: string }[] = [];
    let purgedId: string;
    const ROTATIONS = 20;
    const aad = ['tenant=lifecycle'];

    before(async () => {
      server = await startServer({
        ...storeEnv(mode),
        KEYLEDGER_ADMIN_API_KEY: ADMIN_API_KEY,
        KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
        KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
        KEYLEDGER_MIN_PURGE_DELAY_S: '0',
        KEYLEDGER_MIN_SYNC_INTERVAL_S: '0',
      });
      sdk = sdkFor(server);
      instance = server.defaultInstanceId;
      rootId = await createRoot(sdk, instance, 'rotated-twenty-times');
    });
    after(async () => {
      await server.dispose();
    });

    const wrapNow = async (n: number): Promise<void> => {
      const res = await sdk.wrapKey({
        bluemixInstance: instance,
        id: rootId,
        keyActionWrapBody: body({ plaintext: dek(n), aad }),
      });
      sealed.push({ ciphertext: res.result.ciphertext, plaintext: dek(n), versionId: res.result.keyVersion?.id ?? '' });
    };

    void it(`rotates one key ${ROTATIONS} times, wrapping with each version`, async () => {
      await wrapNow(0);
      for (let i = 1; i <= ROTATIONS; i++) {
        const res = await sdk.rotateKey({
          bluemixInstance: instance,
          id: rootId,
          prefer: i === ROTATIONS ? 'return=representation' : undefined,
        });
        assert.equal(res.status, i === ROTATIONS ? 200 : 204);
        await wrapNow(i);
      }
      const versionIds = sealed.map((s) => s.versionId);
      assert.equal(new Set(versionIds).size, ROTATIONS + 1, 'every wrap used the version the rotation before it made');
      const versions = await sdk.getKeyVersions({ bluemixInstance: instance, id: rootId });
      assert.deepEqual(
        (versions.result.resources ?? []).map((v) => v.id),
        [...versionIds].reverse(),
      );
    });

    const checkEveryVersionUnwraps = async (): Promise<void> => {
      const latest = sealed[sealed.length - 1];
      assert.ok(latest);
      for (const [i, s] of sealed.entries()) {
        const res = await sdk.unwrapKey({
          bluemixInstance: instance,
          id: rootId,
          keyActionUnwrapBody: body({ ciphertext: s.ciphertext, aad }),
        });
        assert.equal(res.result.plaintext, s.plaintext, `version ${i} unwraps`);
        assert.equal(res.result.keyVersion?.id, s.versionId);
        const result = res.result as { ciphertext?: string; rewrappedKeyVersion?: { id: string } };
        if (i === sealed.length - 1) {
          assert.equal(result.ciphertext, undefined, 'the latest version needs no rewrap');
          continue;
        }
        assert.equal(result.rewrappedKeyVersion?.id, latest.versionId);
        assert.ok(result.ciphertext);
        const again = await sdk.unwrapKey({
          bluemixInstance: instance,
          id: rootId,
          keyActionUnwrapBody: body({ ciphertext: result.ciphertext, aad }),
        });
        assert.equal(again.result.plaintext, s.plaintext);
        assert.equal(again.result.keyVersion?.id, latest.versionId);
      }
    };

    void it(
      "unwraps every version's ciphertext, returning old ones rewrapped under the latest version",
      checkEveryVersionUnwraps,
    );

    void it('rotates an imported key only with new material (400 KEY_PAYLOAD_REQ_ERR without)', async () => {
      const id = await createRoot(sdk, instance, 'imported-root', Buffer.alloc(32, 7).toString('base64'));
      assert.deepEqual(await refusal(sdk.rotateKey({ bluemixInstance: instance, id })), {
        status: 400,
        code: 'KEY_PAYLOAD_REQ_ERR',
      });
      const before = await metadata(sdk, instance, id);
      const res = await sdk.rotateKey({
        bluemixInstance: instance,
        id,
        keyActionRotateBody: body({ payload: Buffer.alloc(32, 8).toString('base64') }),
      });
      assert.equal(res.status, 204);
      assert.notEqual((await metadata(sdk, instance, id)).keyVersion?.id, before.keyVersion?.id);
      assert.deepEqual(
        await refusal(
          sdk.rotateKey({
            bluemixInstance: instance,
            id: rootId,
            keyActionRotateBody: body({ payload: Buffer.alloc(32, 8).toString('base64') }),
          }),
        ),
        { status: 400, code: 'INVALID_QUERY_PARAM_ERR' },
      );
    });

    void it('disables and enables at once, deletes and restores at once, syncs again at once', async () => {
      const id = await createRoot(sdk, instance, 'flip-flop');
      assert.equal((await sdk.disableKey({ bluemixInstance: instance, id })).status, 204);
      assert.equal((await sdk.enableKey({ bluemixInstance: instance, id })).status, 204);
      assert.equal((await metadata(sdk, instance, id)).state, 1);
      assert.equal((await sdk.deleteKey({ bluemixInstance: instance, id })).status, 204);
      const restored = await sdk.restoreKey({ bluemixInstance: instance, id });
      assert.equal(restored.status, 201);
      const meta = await metadata(sdk, instance, id);
      assert.equal(meta.state, 1);
      assert.equal(meta.deleted, false);
      await sdk.wrapKey({ bluemixInstance: instance, id, keyActionWrapBody: body({ plaintext: dek(3) }) });
      assert.equal((await sdk.syncAssociatedResources({ bluemixInstance: instance, id })).status, 204);
      assert.equal((await sdk.syncAssociatedResources({ bluemixInstance: instance, id })).status, 204);
    });

    void it('purges a deleted key over plain HTTP; then every operation answers 404', async () => {
      purgedId = await createRoot(sdk, instance, 'to-purge');
      await sdk.deleteKey({ bluemixInstance: instance, id: purgedId });
      const purged = await purge(server, purgedId);
      assert.equal(purged.status, 200);
      const purgedKey = (purged.body as { resources: KeyBody[] }).resources[0];
      assert.equal(purgedKey?.id, purgedId);
      const notFound = { status: 404, code: 'KEY_NOT_FOUND_ERR' };
      assert.deepEqual(await refusal(sdk.getKeyMetadata({ bluemixInstance: instance, id: purgedId })), notFound);
      assert.equal((await refusal(sdk.restoreKey({ bluemixInstance: instance, id: purgedId }))).status, 404);
      assert.deepEqual(
        await refusal(sdk.wrapKey({ bluemixInstance: instance, id: purgedId, keyActionWrapBody: body({}) })),
        notFound,
      );
      assert.deepEqual(await refusal(sdk.deleteKey({ bluemixInstance: instance, id: purgedId })), notFound);
      assert.equal((await purge(server, purgedId)).status, 404);
      const listed = await sdk.getKeys({ bluemixInstance: instance, state: [0, 1, 2, 3, 5] });
      assert.ok(!(listed.result.resources ?? []).some((k) => k.id === purgedId));
    });

    void it('keeps every version, ciphertext and purge across a restart', async () => {
      server = await server.restart();
      sdk = sdkFor(server);
      const versions = await sdk.getKeyVersions({ bluemixInstance: instance, id: rootId });
      assert.equal(versions.result.resources?.length, ROTATIONS + 1);
      await checkEveryVersionUnwraps();
      assert.equal((await refusal(sdk.getKeyMetadata({ bluemixInstance: instance, id: purgedId }))).status, 404);
    });
  });
