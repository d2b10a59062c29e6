/**
 * The new-user scenario through the unmodified Key Protect SDK: an administrator creates an
 * instance and a principal and grants it Reader on one key ring; the principal wraps and unwraps
 * with keys of that ring, cannot see or use other keys, cannot rotate; once its API key is revoked
 * it is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IamAuthenticator } from '@ibm-cloud/ibm-key-protect/auth/index.js';
import KeyProtect from '@ibm-cloud/ibm-key-protect/ibm-key-protect-api/v2.js';
import { Admin, call } from '../support/access-helpers.ts';
import { STORE_MODES, startServer, storeEnv, type ServerProcess } from '../support/local-server.ts';

type Sdk = InstanceType<typeof KeyProtect>;
const body = (value: object): Buffer => value as unknown as Buffer;

async function sdkStatus(promise: Promise<unknown>): Promise<{ status: number; code?: string | undefined }> {
  try {
    const res = (await promise) as { status: number };
    return { status: res.status };
  } catch (error) {
    const e = error as { status: number; body?: string };
    let code: string | undefined;
    try {
      code = (JSON.parse(e.body ?? '{}') as { resources?: { reasons?: { code?: string }[] }[] }).resources?.[0]
        ?.reasons?.[0]?.code;
    } catch {
      code = undefined;
    }
    return { status: e.status, code };
  }
}

for (const mode of STORE_MODES)
  describe(`new user through the Key Protect SDK (${mode})`, () => {
    let server: ServerProcess;
    let admin: Admin;
    let instance: string;
    let principal: { id: string; apiKey: string };
    let sdk: Sdk;
    let ringKey: string;
    let otherKey: string;

    before(async () => {
      server = await startServer({
        ...storeEnv(mode),
        KEYLEDGER_ADMIN_API_KEY: 'sdk-new-user-admin-key-0123456789abcdef',
      });
      admin = await Admin.connect(server);
      instance = await admin.createInstance('team-x');
      await admin.createKeyRing(instance, 'payments');
      ringKey = await admin.createKey(instance, 'payments-root', { ring: 'payments' });
      otherKey = await admin.createKey(instance, 'hr-root');
      principal = await admin.createPrincipal('payments-service');
      await admin.grant(instance, { principalId: principal.id, role: 'Reader', keyRingId: 'payments' });
      sdk = new KeyProtect({
        authenticator: new IamAuthenticator({ apikey: principal.apiKey, url: server.url }),
        serviceUrl: server.url,
      });
    });
    after(async () => {
      await server.dispose();
    });

    it('wraps and unwraps with a key of its ring', async () => {
      const wrapped = await sdk.wrapKey({
        bluemixInstance: instance,
        id: ringKey,
        keyActionWrapBody: body({ aad: ['order=42'] }),
      });
      assert.equal(wrapped.status, 200);
      const { plaintext, ciphertext } = wrapped.result as { plaintext: string; ciphertext: string };
      const unwrapped = await sdk.unwrapKey({
        bluemixInstance: instance,
        id: ringKey,
        keyActionUnwrapBody: body({ ciphertext, aad: ['order=42'] }),
      });
      assert.equal((unwrapped.result as { plaintext: string }).plaintext, plaintext);
    });

    it('sees only the keys of its ring', async () => {
      const listed = await sdk.getKeys({ bluemixInstance: instance });
      const ids = (listed.result.resources ?? []).map((k) => k.id);
      assert.deepEqual(ids, [ringKey]);
      assert.equal((await sdk.getKeyMetadata({ bluemixInstance: instance, id: ringKey })).status, 200);
      assert.deepEqual(await sdkStatus(sdk.getKeyMetadata({ bluemixInstance: instance, id: otherKey })), {
        status: 401,
        code: 'UNAUTHORIZED_ERR',
      });
    });

    it('cannot use other keys, nor rotate or create', async () => {
      assert.deepEqual(
        await sdkStatus(sdk.wrapKey({ bluemixInstance: instance, id: otherKey, keyActionWrapBody: body({}) })),
        { status: 401, code: 'UNAUTHORIZED_ERR' },
      );
      assert.deepEqual(
        await sdkStatus(sdk.rotateKey({ bluemixInstance: instance, id: ringKey, keyActionRotateBody: body({}) })),
        { status: 401, code: 'UNAUTHORIZED_ERR' },
      );
      assert.deepEqual(
        await sdkStatus(
          sdk.createKey({
            bluemixInstance: instance,
            xKmsKeyRing: 'payments',
            body: body({
              metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
              resources: [{ type: 'application/vnd.ibm.kms.key+json', name: 'nope' }],
            }),
          }),
        ),
        { status: 401, code: 'UNAUTHORIZED_ERR' },
      );
    });

    it('is refused after its API key is revoked', async () => {
      const res = await call(server, admin.token, 'DELETE', `/admin/v1/principals/${principal.id}/api-key`);
      assert.equal(res.status, 204);
      // At once: the revocation's own append empties the server's authentication caches before it answers.
      assert.equal(
        (await sdkStatus(sdk.wrapKey({ bluemixInstance: instance, id: ringKey, keyActionWrapBody: body({}) }))).status,
        401,
      );
      const fresh = new KeyProtect({
        authenticator: new IamAuthenticator({ apikey: principal.apiKey, url: server.url }),
        serviceUrl: server.url,
      });
      const refused = await sdkStatus(fresh.getKeys({ bluemixInstance: instance }));
      assert.ok(refused.status === 400 || refused.status === 401, `token exchange refused, got ${refused.status}`);
    });
  });
