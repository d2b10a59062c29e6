/**
 * Organising keys through the official, unmodified Key Protect SDK against the local server:
 * key rings, aliases, key and instance policies, the allowed IP port, registrations, import tokens
 * and secure import (RSA-OAEP SHA-256 and SHA-1 with the nonce check), plus the plain-HTTP
 * operations the SDK lacks (PATCH /keys/{id}, registration writes, DELETE key ring with force),
 * and Key Protect's refusals.
 */
import assert from 'node:assert/strict';
import { constants, createCipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { IamAuthenticator } from '@ibm-cloud/ibm-key-protect/auth/index.js';
import KeyProtect from '@ibm-cloud/ibm-key-protect/ibm-key-protect-api/v2.js';
import { STORE_MODES, startServer, storeEnv, tokenFor, type ServerProcess } from '../support/local-server.ts';

type Sdk = InstanceType<typeof KeyProtect>;
const body = (value: object): Buffer => value as unknown as Buffer;
type ErrorBody = { resources: { reasons: { code: string }[] }[] };
type Collection<T = Record<string, unknown>> = {
  metadata: { collectionType: string; collectionTotal: number; totalCount?: number };
  resources: T[];
};

async function sdkError(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; body: string };
    return { status: e.status, code: (JSON.parse(e.body) as ErrorBody).resources[0]?.reasons[0]?.code };
  }
  assert.fail('expected the SDK call to fail');
}

const keyBody = (name: string, extra: Record<string, unknown> = {}) =>
  body({
    metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
    resources: [{ type: 'application/vnd.ibm.kms.key+json', name, extractable: false, ...extra }],
  });

for (const mode of STORE_MODES)
  describe(`Key Protect SDK: key rings, aliases, policies, registrations, secure import (${mode})`, () => {
    let server: ServerProcess;
    let sdk: Sdk;
    let instance: string;
    let token: string;

    async function http(
      method: string,
      path: string,
      payload?: unknown,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; body: unknown }> {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'bluemix-instance': instance,
          'content-type': 'application/json',
          ...headers,
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    }
    const codeOf = (b: unknown) => (b as ErrorBody).resources[0]?.reasons[0]?.code;

    async function createRoot(name: string, headers: Record<string, string> = {}): Promise<string> {
      const res = await sdk.createKey({ bluemixInstance: instance, body: keyBody(name), headers });
      const id = (res.result as Collection<{ id: string }>).resources[0]?.id;
      assert.ok(id);
      return id;
    }

    before(async () => {
      server = await startServer({
        ...storeEnv(mode),
        KEYLEDGER_ADMIN_API_KEY: 'e2e-organize-admin-key-0123456789ab',
        KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
      });
      sdk = new KeyProtect({
        authenticator: new IamAuthenticator({ apikey: server.adminApiKey, url: server.url }),
        serviceUrl: server.url,
      });
      instance = server.defaultInstanceId;
      token = await tokenFor(server.url, server.adminApiKey);
    });
    after(async () => {
      await server.dispose();
    });

    it('key rings: create, list (default included), create a key in a ring, move it, refuse deleting a non-empty ring, delete', async () => {
      const created = await sdk.createKeyRing({ bluemixInstance: instance, keyRingId: 'team-a' });
      assert.equal(created.status, 201);
      const listed = (await sdk.listKeyRings({ bluemixInstance: instance })).result as Collection<{ id: string }>;
      assert.deepEqual(
        listed.resources.map((r) => r.id),
        ['default', 'team-a'],
      );
      assert.equal(listed.metadata.collectionType, 'application/vnd.ibm.kms.key_ring+json');

      assert.deepEqual(await sdkError(sdk.createKeyRing({ bluemixInstance: instance, keyRingId: 'team-a' })), {
        status: 409,
        code: 'CONFLICT_ERR',
      });
      assert.deepEqual(await sdkError(sdk.createKeyRing({ bluemixInstance: instance, keyRingId: 'bad_id!' })), {
        status: 400,
        code: 'INVALID_FIELD_ERR',
      });
      assert.deepEqual(
        await sdkError(
          sdk.createKey({ bluemixInstance: instance, body: keyBody('nowhere'), xKmsKeyRing: 'no-such-ring' }),
        ),
        { status: 404, code: 'KEY_RING_NOT_FOUND_ERR' },
      );

      const id = await createRoot('ringed', { 'x-kms-key-ring': 'team-a' });
      const meta = (await sdk.getKeyMetadata({ bluemixInstance: instance, id })).result as Collection<{
        keyRingID: string;
      }>;
      assert.equal(meta.resources[0]?.keyRingID, 'team-a');

      assert.deepEqual(await sdkError(sdk.deleteKeyRing({ bluemixInstance: instance, keyRingId: 'team-a' })), {
        status: 409,
        code: 'KEY_RING_NOT_EMPTY_ERR',
      });
      assert.deepEqual(await sdkError(sdk.deleteKeyRing({ bluemixInstance: instance, keyRingId: 'default' })), {
        status: 403,
        code: 'FEATURE_RESTRICTED_ERR',
      });

      const missing = await http('PATCH', `/api/v2/keys/${id}`, { keyRingID: 'nope' });
      assert.equal(missing.status, 404);
      const moved = await http('PATCH', `/api/v2/keys/${id}`, { keyRingID: 'default' });
      assert.equal(moved.status, 200);
      assert.equal((moved.body as Collection<{ keyRingID: string }>).resources[0]?.keyRingID, 'default');

      assert.equal((await sdk.deleteKeyRing({ bluemixInstance: instance, keyRingId: 'team-a' })).status, 204);
      const after = (await sdk.listKeyRings({ bluemixInstance: instance })).result as Collection<{ id: string }>;
      assert.deepEqual(
        after.resources.map((r) => r.id),
        ['default'],
      );
    });

    it('key rings: force=true deletes a ring whose keys are all Destroyed and moves them to default', async () => {
      await sdk.createKeyRing({ bluemixInstance: instance, keyRingId: 'graveyard' });
      const id = await createRoot('doomed', { 'x-kms-key-ring': 'graveyard' });
      await sdk.deleteKey({ bluemixInstance: instance, id });
      assert.deepEqual(await sdkError(sdk.deleteKeyRing({ bluemixInstance: instance, keyRingId: 'graveyard' })), {
        status: 409,
        code: 'KEY_RING_NOT_EMPTY_ERR',
      });
      assert.equal((await http('DELETE', '/api/v2/key_rings/graveyard?force=true')).status, 204);
      const meta = (await sdk.getKeyMetadata({ bluemixInstance: instance, id })).result as Collection<{
        keyRingID: string;
        state: number;
      }>;
      assert.deepEqual([meta.resources[0]?.keyRingID, meta.resources[0]?.state], ['default', 5]);
    });

    it('aliases: add, resolve by alias (get, metadata, wrap), uniqueness, quota, reserved words, remove', async () => {
      const id = await createRoot('aliased');
      const other = await createRoot('other');
      const added = await sdk.createKeyAlias({ bluemixInstance: instance, id, alias: 'payments-kek' });
      assert.equal(added.status, 201);
      assert.deepEqual((added.result as Collection<{ keyId: string; alias: string }>).resources[0], {
        keyId: id,
        alias: 'payments-kek',
        createdBy: (added.result as Collection<{ createdBy: string }>).resources[0]?.createdBy,
        creationDate: (added.result as Collection<{ creationDate: string }>).resources[0]?.creationDate,
      });
      const byAlias = (await sdk.getKey({ bluemixInstance: instance, id: 'payments-kek' })).result as Collection<{
        id: string;
        aliases: string[];
      }>;
      assert.equal(byAlias.resources[0]?.id, id);
      assert.deepEqual(byAlias.resources[0]?.aliases, ['payments-kek']);
      const metaByAlias = (await sdk.getKeyMetadata({ bluemixInstance: instance, id: 'payments-kek' }))
        .result as Collection<{ id: string }>;
      assert.equal(metaByAlias.resources[0]?.id, id);
      const wrapped = await sdk.wrapKey({ bluemixInstance: instance, id: 'payments-kek', keyActionWrapBody: body({}) });
      assert.equal(wrapped.status, 200);

      assert.deepEqual(
        await sdkError(sdk.createKeyAlias({ bluemixInstance: instance, id: other, alias: 'payments-kek' })),
        { status: 409, code: 'DUPLICATE_ALIAS_ERR' },
      );
      assert.deepEqual(await sdkError(sdk.createKeyAlias({ bluemixInstance: instance, id: other, alias: 'rotate' })), {
        status: 400,
        code: 'INVALID_FIELD_ERR',
      });
      for (const a of ['a2', 'a3', 'a4', 'a5']) await sdk.createKeyAlias({ bluemixInstance: instance, id, alias: a });
      assert.deepEqual(await sdkError(sdk.createKeyAlias({ bluemixInstance: instance, id, alias: 'a6' })), {
        status: 400,
        code: 'KEY_ALIAS_QUOTA_ERR',
      });

      assert.equal((await sdk.deleteKeyAlias({ bluemixInstance: instance, id, alias: 'payments-kek' })).status, 204);
      assert.deepEqual(await sdkError(sdk.getKey({ bluemixInstance: instance, id: 'payments-kek' })), {
        status: 404,
        code: 'KEY_NOT_FOUND_ERR',
      });
      // Released, the alias can name another key.
      assert.equal(
        (await sdk.createKeyAlias({ bluemixInstance: instance, id: other, alias: 'payments-kek' })).status,
        201,
      );
      const now = (await sdk.getKeyMetadata({ bluemixInstance: instance, id: 'payments-kek' })).result as Collection<{
        id: string;
      }>;
      assert.equal(now.resources[0]?.id, other);
    });

    it('aliases of another instance answer as a missing key', async () => {
      const adminToken = token;
      const created = await fetch(`${server.url}/admin/v1/instances`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'second' }),
      });
      assert.equal(created.status, 201);
      const second = ((await created.json()) as { id: string }).id;
      const id = await createRoot('mine');
      await sdk.createKeyAlias({ bluemixInstance: instance, id, alias: 'only-here' });
      assert.deepEqual(await sdkError(sdk.getKey({ bluemixInstance: second, id: 'only-here' })), {
        status: 404,
        code: 'KEY_NOT_FOUND_ERR',
      });
    });

    it('key policies: rotation and dualAuthDelete, read back whole and by type', async () => {
      const id = await createRoot('policied');
      const put = await sdk.putPolicy({
        bluemixInstance: instance,
        id,
        policy: 'rotation',
        setKeyPoliciesOneOf: body({
          metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
          resources: [{ type: 'application/vnd.ibm.kms.policy+json', rotation: { enabled: true, interval_month: 3 } }],
        }),
      });
      assert.equal(put.status, 200);
      await sdk.putPolicy({
        bluemixInstance: instance,
        id,
        setKeyPoliciesOneOf: body({
          metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
          resources: [{ type: 'application/vnd.ibm.kms.policy+json', dualAuthDelete: { enabled: true } }],
        }),
      });
      const all = (await sdk.getPolicy({ bluemixInstance: instance, id })).result as Collection<{
        rotation?: { interval_month: number; enabled: boolean };
        dualAuthDelete?: { enabled: boolean };
      }>;
      assert.equal(all.metadata.collectionType, 'application/vnd.ibm.kms.policy+json');
      assert.deepEqual(
        all.resources.map((r) => r.rotation ?? r.dualAuthDelete),
        [{ enabled: true, interval_month: 3 }, { enabled: true }],
      );
      const rotation = (await sdk.getPolicy({ bluemixInstance: instance, id, policy: 'rotation' }))
        .result as Collection<{ rotation: { interval_month: number } }>;
      assert.deepEqual(
        rotation.resources.map((r) => r.rotation.interval_month),
        [3],
      );
      assert.deepEqual(
        await sdkError(
          sdk.putPolicy({
            bluemixInstance: instance,
            id,
            setKeyPoliciesOneOf: body({
              metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
              resources: [{ rotation: { interval_month: 13 } }],
            }),
          }),
        ),
        { status: 400, code: 'INVALID_FIELD_ERR' },
      );
    });

    it('instance policies: set, read, and applied to key creation (dualAuthDelete default, keyCreateImportAccess); allowed IP port', async () => {
      const meta = { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 };
      await sdk.putInstancePolicy({
        bluemixInstance: instance,
        policy: 'dualAuthDelete',
        setInstancePoliciesOneOf: body({
          metadata: meta,
          resources: [{ policy_type: 'dualAuthDelete', policy_data: { enabled: true } }],
        }),
      });
      const dual = (await sdk.getInstancePolicy({ bluemixInstance: instance, policy: 'dualAuthDelete' }))
        .result as Collection<{ policy_type: string; policy_data: { enabled: boolean } }>;
      assert.deepEqual(
        dual.resources.map((r) => [r.policy_type, r.policy_data.enabled]),
        [['dualAuthDelete', true]],
      );
      const id = await createRoot('inherits-dual-auth');
      const key = (await sdk.getKeyMetadata({ bluemixInstance: instance, id })).result as Collection<{
        dualAuthDelete: { enabled: boolean };
      }>;
      assert.equal(key.resources[0]?.dualAuthDelete.enabled, true);

      // Key Protect: without an allowedIP policy "no information will be returned" (the Go client's fixture: 200, no resource).
      const noPort = await sdk.getAllowedIpPort({ bluemixInstance: instance });
      assert.equal(noPort.status, 200);
      assert.deepEqual(noPort.result, {
        metadata: { collectionType: 'application/vnd.ibm.kms.allowed_ip_metadata+json', collectionTotal: 0 },
        resources: [],
      });
      const put = await sdk.putInstancePolicy({
        bluemixInstance: instance,
        setInstancePoliciesOneOf: body({
          metadata: { ...meta, collectionTotal: 5 },
          resources: [
            { policy_type: 'dualAuthDelete', policy_data: { enabled: false } },
            {
              policy_type: 'allowedIP',
              policy_data: { enabled: true, attributes: { allowed_ip: ['127.0.0.0/8', '::1/128'] } },
            },
            {
              policy_type: 'allowedNetwork',
              policy_data: { enabled: true, attributes: { allowed_network: 'public-and-private' } },
            },
            { policy_type: 'metrics', policy_data: { enabled: true } },
            {
              policy_type: 'keyCreateImportAccess',
              policy_data: { enabled: true, attributes: { create_standard_key: false, enforce_token: true } },
            },
          ],
        }),
      });
      assert.equal(put.status, 204);
      const all = (await sdk.getInstancePolicy({ bluemixInstance: instance })).result as Collection<{
        policy_type: string;
        policy_data: { enabled: boolean; attributes?: Record<string, unknown> };
      }>;
      assert.deepEqual(
        all.resources.map((r) => r.policy_type),
        ['dualAuthDelete', 'allowedNetwork', 'allowedIP', 'keyCreateImportAccess', 'metrics'],
      );
      assert.deepEqual(all.resources.find((r) => r.policy_type === 'allowedIP')?.policy_data.attributes, {
        allowed_ip: ['127.0.0.0/8', '::1/128'],
      });
      assert.deepEqual(all.resources.find((r) => r.policy_type === 'keyCreateImportAccess')?.policy_data.attributes, {
        create_root_key: true,
        create_standard_key: false,
        import_root_key: true,
        import_standard_key: true,
        enforce_token: true,
      });
      const port = (await sdk.getAllowedIpPort({ bluemixInstance: instance })).result as Collection<{
        private_endpoint_port: number;
      }>;
      assert.equal(port.resources[0]?.private_endpoint_port, Number(new URL(server.url).port));

      assert.deepEqual(
        await sdkError(sdk.createKey({ bluemixInstance: instance, body: keyBody('std', { extractable: true }) })),
        { status: 409, code: 'KEY_CREATE_IMPORT_ACCESS_ERR' },
      );
      assert.deepEqual(
        await sdkError(
          sdk.createKey({
            bluemixInstance: instance,
            body: keyBody('plain-import', { payload: randomBytes(32).toString('base64') }),
          }),
        ),
        { status: 409, code: 'KEY_CREATE_IMPORT_ACCESS_ERR' },
      );
      assert.deepEqual(
        await sdkError(
          sdk.putInstancePolicy({
            bluemixInstance: instance,
            policy: 'metrics',
            setInstancePoliciesOneOf: body({
              metadata: meta,
              resources: [{ policy_type: 'dualAuthDelete', policy_data: { enabled: false } }],
            }),
          }),
        ),
        { status: 400, code: 'BODY_QUERY_PARAM_MISMATCH_ERR' },
      );
      assert.deepEqual(
        await sdkError(
          sdk.putInstancePolicy({
            bluemixInstance: instance,
            setInstancePoliciesOneOf: body({
              metadata: meta,
              resources: [
                { policy_type: 'allowedIP', policy_data: { enabled: true, attributes: { allowed_ip: ['not-an-ip'] } } },
              ],
            }),
          }),
        ),
        { status: 400, code: 'INVALID_FIELD_ERR' },
      );
      // Back to defaults for the next tests.
      await sdk.putInstancePolicy({
        bluemixInstance: instance,
        setInstancePoliciesOneOf: body({
          metadata: { ...meta, collectionTotal: 2 },
          resources: [
            { policy_type: 'keyCreateImportAccess', policy_data: { enabled: false } },
            { policy_type: 'allowedIP', policy_data: { enabled: false } },
          ],
        }),
      });
    });

    it('registrations: written over HTTP, listed per key and for all keys with filters', async () => {
      const id = await createRoot('registered');
      const crn = 'crn:v1:bluemix:public:cloud-object-storage:global:a/abc:bucket-1:bucket:data';
      const path = `/api/v2/keys/${id}/registrations/${encodeURIComponent(crn)}`;
      const created = await http('POST', path, {
        metadata: { collectionType: 'application/vnd.ibm.kms.registration_input+json', collectionTotal: 1 },
        resources: [{ preventKeyDeletion: false, description: 'bucket 1' }],
      });
      assert.equal(created.status, 201);
      assert.equal((await http('POST', path, {})).status, 409);
      const updated = await http('PATCH', path, { preventKeyDeletion: true });
      assert.equal(updated.status, 200);
      assert.equal(
        (updated.body as Collection<{ preventKeyDeletion: boolean; description: string }>).resources[0]?.description,
        'bucket 1',
      );
      const crn2 = 'crn:v1:bluemix:public:databases-for-postgresql:us-south:a/abc:db-2::';
      assert.equal((await http('PUT', `/api/v2/keys/${id}/registrations/${encodeURIComponent(crn2)}`, {})).status, 404);
      assert.equal(
        (await http('POST', `/api/v2/keys/${id}/registrations/${encodeURIComponent(crn2)}`, {})).status,
        201,
      );

      const mine = (await sdk.getRegistrations({ bluemixInstance: instance, id, totalCount: true }))
        .result as Collection<{ resourceCrn: string; keyId: string; preventKeyDeletion: boolean }>;
      assert.deepEqual(
        mine.resources.map((r) => [r.resourceCrn, r.preventKeyDeletion]),
        [
          [crn, true],
          [crn2, false],
        ],
      );
      assert.equal(mine.metadata.totalCount, 2);
      const filtered = (
        await sdk.getRegistrationsAllKeys({
          bluemixInstance: instance,
          urlEncodedResourceCrnQuery: 'crn:v1:bluemix:public:cloud-object-storage:*',
          totalCount: true,
        })
      ).result as Collection<{ resourceCrn: string; keyId: string }>;
      assert.deepEqual(
        filtered.resources.map((r) => [r.keyId, r.resourceCrn]),
        [[id, crn]],
      );
      const preventing = (await sdk.getRegistrationsAllKeys({ bluemixInstance: instance, preventKeyDeletion: true }))
        .result as Collection<{ resourceCrn: string }>;
      assert.deepEqual(
        preventing.resources.map((r) => r.resourceCrn),
        [crn],
      );

      assert.equal((await http('DELETE', `/api/v2/keys/${id}/registrations/${encodeURIComponent(crn2)}`)).status, 204);
      assert.equal((await http('DELETE', `/api/v2/keys/${id}/registrations/${encodeURIComponent(crn2)}`)).status, 404);
    });

    async function secureImport(
      hash: 'sha256' | 'sha1',
      options: { wrongNonce?: boolean } = {},
    ): Promise<{ status: number; body: unknown; material: Buffer }> {
      const got = (await sdk.getImportToken({ bluemixInstance: instance })).result as {
        payload: string;
        nonce: string;
        remainingRetrievals: number;
      };
      const pem = Buffer.from(got.payload, 'base64').toString('utf8');
      assert.match(pem, /^-----BEGIN PUBLIC KEY-----/);
      const material = randomBytes(32);
      const encrypted = publicEncrypt(
        { key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
        material,
      );
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', material, iv);
      const nonce = options.wrongNonce ? randomBytes(12) : Buffer.from(got.nonce, 'base64');
      const encryptedNonce = Buffer.concat([cipher.update(nonce), cipher.final(), cipher.getAuthTag()]);
      const res = await http('POST', '/api/v2/keys', {
        metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
        resources: [
          {
            type: 'application/vnd.ibm.kms.key+json',
            name: `secure-${hash}`,
            extractable: false,
            payload: encrypted.toString('base64'),
            encryptionAlgorithm: hash === 'sha256' ? 'RSAES_OAEP_SHA_256' : 'RSAES_OAEP_SHA_1',
            encryptedNonce: encryptedNonce.toString('base64'),
            iv: iv.toString('base64'),
          },
        ],
      });
      return { ...res, material };
    }

    it('import token and secure import: OAEP SHA-256 and SHA-1, nonce checked, retrievals counted', async () => {
      assert.deepEqual(await sdkError(sdk.postImportToken({ bluemixInstance: instance, expiration: 100 })), {
        status: 400,
        code: 'INVALID_FIELD_ERR',
      });
      const posted = await sdk.postImportToken({ bluemixInstance: instance, maxAllowedRetrievals: 3 });
      const meta = posted.result as {
        creationDate: string;
        expirationDate: string;
        maxAllowedRetrievals: number;
        remainingRetrievals: number;
      };
      assert.equal(meta.maxAllowedRetrievals, 3);
      assert.equal(Date.parse(meta.expirationDate) - Date.parse(meta.creationDate), 600_000);

      const sha256 = await secureImport('sha256');
      assert.equal(sha256.status, 201, JSON.stringify(sha256.body));
      const keyId = (sha256.body as Collection<{ id: string; imported: boolean }>).resources[0]?.id ?? '';
      assert.equal((sha256.body as Collection<{ imported: boolean }>).resources[0]?.imported, true);
      // The imported material is the key: a DEK wrapped with it unwraps, and it is the material we sent.
      const wrapped = (
        await sdk.wrapKey({
          bluemixInstance: instance,
          id: keyId,
          keyActionWrapBody: body({ plaintext: Buffer.alloc(32, 7).toString('base64') }),
        })
      ).result as { ciphertext: string };
      const unwrapped = (
        await sdk.unwrapKey({
          bluemixInstance: instance,
          id: keyId,
          keyActionUnwrapBody: body({ ciphertext: wrapped.ciphertext }),
        })
      ).result as { plaintext: string };
      assert.equal(unwrapped.plaintext, Buffer.alloc(32, 7).toString('base64'));

      const wrong = await secureImport('sha1', { wrongNonce: true });
      assert.deepEqual([wrong.status, codeOf(wrong.body)], [400, 'INCORRECT_NONCE_ERR']);
      const sha1 = await secureImport('sha1');
      assert.equal(sha1.status, 201, JSON.stringify(sha1.body));

      assert.deepEqual(await sdkError(sdk.getImportToken({ bluemixInstance: instance })), {
        status: 409,
        code: 'IMPORT_TOKEN_RETRIEVALS_ERR',
      });
    });
  });
