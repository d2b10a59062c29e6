/**
 * The Go client's requests (IBM/keyprotect-go-client, the base of Terraform's ibm_kms_* resources and
 * `ibmcloud kp`) as it shapes them (test/support/go-client.ts: no content type, `null` bodies, Go's field
 * names) against the local server, with Key Protect's documented answers: the bodies it sends are
 * accepted, and the calls whose semantics the Key Protect documentation fixes answer as it says.
 */
import assert from 'node:assert/strict';
import { constants, createCipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GoKeyProtectClient, firstResource, reasonCode } from '../support/go-client.ts';
import { STORE_MODES, startServer, storeEnv, tokenFor, type ServerProcess } from '../support/local-server.ts';

for (const mode of STORE_MODES)
  void describe(`the Go client's requests (${mode})`, () => {
    let server: ServerProcess;
    let kp: GoKeyProtectClient;

    before(async () => {
      server = await startServer({
        ...storeEnv(mode),
        KEYLEDGER_ADMIN_API_KEY: 'e2e-go-client-admin-key-0123456789ab',
        KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
        KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
      });
      kp = new GoKeyProtectClient(server.url, await tokenFor(server.url, server.adminApiKey), server.defaultInstanceId);
    });
    after(() => server.dispose());

    const createRoot = async (name: string): Promise<string> => {
      const created = await kp.createKey(name, false);
      assert.equal(created.status, 201, created.text);
      return firstResource(created).id as string;
    };

    it('key actions with a `null` body (RotateV2(nil), DisableKey, EnableKey) answer 204', async () => {
      const id = await createRoot('null-bodies');
      for (const call of [() => kp.rotateV2(id), () => kp.keyAction(id, 'disable'), () => kp.keyAction(id, 'enable')]) {
        const res = await call();
        assert.deepEqual([res.status, res.text], [204, ''], res.text);
      }
      const versions = await kp.listKeyVersions(id);
      assert.equal((versions.body as { resources: unknown[] }).resources.length, 2, 'the rotation happened');
    });

    it('ListKeyVersions: 409 for a disabled key and 410 for a deleted one unless allKeyStates=true', async () => {
      const id = await createRoot('versions-states');
      assert.equal((await kp.rotateV2(id)).status, 204);
      assert.equal((await kp.keyAction(id, 'disable')).status, 204);
      const disabled = await kp.listKeyVersions(id);
      assert.deepEqual([disabled.status, reasonCode(disabled)], [409, 'KEY_ACTION_INVALID_STATE_ERR']);
      const all = await kp.listKeyVersions(id, { allKeyStates: true, totalCount: true });
      assert.equal(all.status, 200, all.text);
      assert.deepEqual((all.body as { metadata: { totalCount: number } }).metadata.totalCount, 2);
      assert.equal((await kp.listKeyVersions(id, { allKeyStates: false })).status, 409);

      assert.equal((await kp.deleteKey(id, 'return=minimal')).status, 204);
      const deleted = await kp.listKeyVersions(id);
      assert.deepEqual([deleted.status, reasonCode(deleted)], [410, 'KEY_DELETED_ERR']);
      const versions = await kp.listKeyVersions(id, { allKeyStates: true, limit: 1 });
      assert.equal(versions.status, 200, versions.text);
      assert.equal((versions.body as { resources: unknown[] }).resources.length, 1);

      const limit = await kp.listKeyVersions(id, { allKeyStates: true, limit: 0 });
      assert.deepEqual([limit.status, reasonCode(limit)], [400, 'INVALID_QUERY_PARAM_ERR']);
    });

    it('CreateKeyRing: 201 with no body; GetKeyRings pages with limit, offset and totalCount', async () => {
      for (const ring of ['ring-b', 'ring-a']) {
        const created = await kp.createKeyRing(ring);
        assert.deepEqual([created.status, created.text], [201, '']);
      }
      const page = await kp.request('GET', 'key_rings', { query: { limit: '1', offset: '1', totalCount: 'true' } });
      assert.equal(page.status, 200, page.text);
      const body = page.body as { metadata: Record<string, unknown>; resources: { id: string }[] };
      assert.deepEqual(
        body.resources.map((r) => r.id),
        ['ring-b'],
      );
      assert.deepEqual(body.metadata, {
        collectionType: 'application/vnd.ibm.kms.key_ring+json',
        collectionTotal: 1,
        totalCount: 3,
      });
      const all = await kp.getKeyRings();
      assert.deepEqual(
        (all.body as { resources: { id: string }[] }).resources.map((r) => r.id),
        ['default', 'ring-b', 'ring-a'],
      );
      const bad = await kp.request('GET', 'key_rings', { query: { limit: '5001' } });
      assert.deepEqual([bad.status, reasonCode(bad)], [400, 'INVALID_QUERY_PARAM_ERR']);
    });

    it('SetKeyRing sends {"KeyRingID": ...}: the key moves (keyRingID and other spellings too)', async () => {
      assert.equal((await kp.createKeyRing('moved-to')).status, 201);
      const id = await createRoot('mover');
      const moved = await kp.setKeyRing(id, 'moved-to');
      assert.equal(moved.status, 200, moved.text);
      assert.equal(firstResource(moved).keyRingID, 'moved-to');
      const back = await kp.request('PATCH', `keys/${id}`, { body: { keyRingID: 'default' } });
      assert.equal(firstResource(back).keyRingID, 'default');
      const lower = await kp.request('PATCH', `keys/${id}`, { body: { keyringid: 'moved-to' } });
      assert.equal(firstResource(lower).keyRingID, 'moved-to');
      const unknown = await kp.request('PATCH', `keys/${id}`, { body: { KeyRingID: 'default', extra: 1 } });
      assert.equal(unknown.status, 400);
    });

    it('instance policies: a disabled policy keeps what Key Protect shows (SetInstancePolicies bodies)', async () => {
      const set = await kp.setInstancePolicies([
        {
          policy_type: 'allowedNetwork',
          policy_data: { enabled: true, attributes: { allowed_network: 'public-and-private' } },
        },
      ]);
      assert.equal(set.status, 204, set.text);
      // SetInstancePolicies: allowedNetwork always carries its attribute, possibly empty; allowedIP `{}`.
      const disabled = await kp.setInstancePolicies([
        { policy_type: 'allowedNetwork', policy_data: { enabled: false, attributes: { allowed_network: '' } } },
        { policy_type: 'allowedIP', policy_data: { enabled: false, attributes: {} } },
        { policy_type: 'keyCreateImportAccess', policy_data: { enabled: false } },
      ]);
      assert.equal(disabled.status, 204, disabled.text);
      const policies = (await kp.getInstancePolicies()).body as {
        resources: { policy_type: string; policy_data: unknown }[];
      };
      const data = (type: string) => policies.resources.find((r) => r.policy_type === type)?.policy_data;
      assert.deepEqual(data('allowedNetwork'), {
        enabled: false,
        attributes: { allowed_network: 'public-and-private' },
      });
      assert.deepEqual(data('allowedIP'), { enabled: false, attributes: { allowed_ip: [] } });
      assert.deepEqual(data('keyCreateImportAccess'), {
        enabled: false,
        attributes: {
          create_root_key: true,
          create_standard_key: true,
          import_root_key: true,
          import_standard_key: true,
          enforce_token: false,
        },
      });
      const network = await kp.setInstancePolicies(
        [
          {
            policy_type: 'allowedNetwork',
            policy_data: { enabled: false, attributes: { allowed_network: 'private-only' } },
          },
        ],
        'allowedNetwork',
      );
      assert.equal(network.status, 204, network.text);
      assert.deepEqual(
        (firstResource(await kp.getInstancePolicies('allowedNetwork')) as { policy_data: unknown }).policy_data,
        { enabled: false, attributes: { allowed_network: 'private-only' } },
      );
    });

    it("create with Prefer: return=representation returns a standard key's payload, never a root key's", async () => {
      const payload = Buffer.alloc(32, 9).toString('base64');
      const prefer = { Prefer: 'return=representation' };
      const body = (resource: object) => ({
        metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
        resources: [resource],
      });
      const imported = await kp.request('POST', 'keys', {
        headers: prefer,
        body: body(GoKeyProtectClient.keyResource('std-imported', true, { payload })),
      });
      assert.equal(imported.status, 201, imported.text);
      assert.equal(firstResource(imported).payload, payload);
      const generated = await kp.request('POST', 'keys', {
        headers: prefer,
        body: body(GoKeyProtectClient.keyResource('std-generated', true)),
      });
      assert.equal(Buffer.from(firstResource(generated).payload as string, 'base64').length, 32);
      const root = await kp.request('POST', 'keys', {
        headers: prefer,
        body: body(GoKeyProtectClient.keyResource('root', false)),
      });
      assert.equal(firstResource(root).payload, undefined);
      const plain = await kp.createKey('std-plain', true);
      assert.equal(firstResource(plain).payload, undefined, 'no Prefer (the Go client sends none): metadata only');
    });

    it('a deleted key shows its restore and purge windows; a dual-auth key its pending authorization', async () => {
      const id = await createRoot('deleted-fields');
      const deleted = await kp.deleteKey(id, 'return=representation');
      assert.equal(deleted.status, 200, deleted.text);
      for (const res of [deleted, await kp.getKey(id), await kp.listKeys({ state: [5], search: id })]) {
        const key = firstResource(res);
        const at = (s: number) => new Date(Date.parse(key.deletionDate as string) + s * 1000).toISOString();
        assert.equal(key.state, 5);
        assert.deepEqual(
          [key.restoreAllowed, key.restoreExpirationDate, key.purgeAllowed, key.purgeAllowedFrom, key.purgeScheduledOn],
          [true, at(30 * 86400), false, at(4 * 3600), at(90 * 86400)],
        );
        assert.equal(key.nonactiveStateReason, 3);
      }

      const dual = await createRoot('dual-auth');
      assert.equal((await kp.setDualAuthDeletePolicy(dual, true)).status, 200);
      assert.deepEqual(firstResource(await kp.getKey(dual)).dualAuthDelete, {
        enabled: true,
        keySetForDeletion: false,
      });
      const before = Date.now();
      assert.equal((await kp.keyAction(dual, 'setKeyForDeletion')).status, 204);
      const after = Date.now();
      const pending = firstResource(await kp.getKeyMetadata(dual)).dualAuthDelete as Record<string, unknown>;
      assert.equal(pending.keySetForDeletion, true);
      const expires = Date.parse(pending.authExpiration as string) - 7 * 86400_000;
      assert.ok(before <= expires && expires <= after, 'seven days after the authorization');
      assert.equal((await kp.keyAction(dual, 'unsetKeyForDeletion')).status, 204);
      assert.deepEqual(firstResource(await kp.getKey(dual)).dualAuthDelete, {
        enabled: true,
        keySetForDeletion: false,
      });
    });
    it('key policies as Terraform reads them: only those set, rotation first, own id and CRN, who and when; Enable/DisableRotationPolicy keep the interval', async () => {
      const id = await createRoot('tf-policies');
      const none = await kp.getPolicies(id);
      assert.equal(none.status, 200, none.text);
      assert.deepEqual((none.body as { metadata: unknown }).metadata, {
        collectionType: 'application/vnd.ibm.kms.policy+json',
        collectionTotal: 0,
      });
      const set = await kp.setPolicies(id, true, 6, true, false);
      assert.equal(set.status, 200, set.text);
      const enabled = await kp.setRotationEnabled(id, true);
      assert.equal(enabled.status, 200, enabled.text);
      const disabled = await kp.setRotationEnabled(id, false);
      assert.equal(disabled.status, 200, disabled.text);
      assert.deepEqual(firstResource(disabled).rotation, { enabled: false, interval_month: 6 });

      const all = (await kp.getPolicies(id)).body as { resources: Record<string, unknown>[] };
      assert.deepEqual(
        all.resources.map((r) => [r.rotation, r.dualAuthDelete]),
        [
          [{ enabled: false, interval_month: 6 }, undefined],
          [undefined, { enabled: false }],
        ],
      );
      for (const policy of all.resources) {
        const crn = (policy.crn as string).split(':');
        assert.equal(crn.length, 10, policy.crn as string);
        assert.deepEqual([crn[4], crn[7], crn[8], crn[9]], ['kms', server.defaultInstanceId, 'policy', policy.id]);
        assert.equal(policy.type, 'application/vnd.ibm.kms.policy+json');
        for (const field of ['createdBy', 'updatedBy']) assert.ok(typeof policy[field] === 'string' && policy[field]);
        for (const field of ['creationDate', 'lastUpdateDate'])
          assert.ok(!Number.isNaN(Date.parse(policy[field] as string)), `${field}: ${String(policy[field])}`);
      }
      const [rotation] = all.resources;
      const first = firstResource(set);
      assert.deepEqual(
        [rotation?.creationDate, rotation?.lastUpdateDate],
        [first.creationDate, firstResource(disabled).lastUpdateDate],
        'created by SetPolicies, last updated by DisableRotationPolicy',
      );
      assert.equal(first.creationDate, first.lastUpdateDate);
      assert.notEqual(all.resources[0]?.id, all.resources[1]?.id);

      const other = await createRoot('tf-no-policy');
      const enableNone = await kp.setRotationEnabled(other, true);
      assert.deepEqual([enableNone.status, reasonCode(enableNone)], [400, 'INVALID_FIELD_ERR']);
      const minusOne = await kp.setRotationPolicy(other, 0);
      assert.deepEqual([minusOne.status, reasonCode(minusOne)], [400, 'INVALID_FIELD_ERR']);
      const dual = await kp.request('GET', `keys/${other}/policies`, { query: { policy: 'dualAuthDelete' } });
      assert.equal((dual.body as { metadata: { collectionTotal: number } }).metadata.collectionTotal, 0);
    });

    it('CreateKeyWithPolicyOverrides: 201 with the key and its own policies, which replace the instance ones', async () => {
      const instanceDualAuth = (enabled: boolean) =>
        kp.setInstancePolicies([{ policy_type: 'dualAuthDelete', policy_data: { enabled } }], 'dualAuthDelete');
      assert.equal((await instanceDualAuth(true)).status, 204);
      try {
        const created = await kp.createKeyWithPolicyOverrides('overrides-root', false, {
          rotation: { enabled: true, interval: 3 },
          dualAuth: { enabled: false },
        });
        assert.equal(created.status, 201, created.text);
        const key = firstResource(created);
        assert.deepEqual(
          [key.name, key.extractable, key.state, key.rotation, key.dualAuthDelete],
          ['overrides-root', false, 1, { enabled: true, interval_month: 3 }, { enabled: false }],
        );
        const policies = (await kp.getPolicies(key.id as string)).body as { resources: Record<string, unknown>[] };
        assert.deepEqual(
          policies.resources.map((r) => [r.rotation, r.dualAuthDelete]),
          [
            [{ enabled: true, interval_month: 3 }, undefined],
            [undefined, { enabled: false }],
          ],
        );
        for (const policy of policies.resources)
          assert.deepEqual([policy.creationDate, policy.createdBy], [key.creationDate, key.createdBy]);

        const plain = await kp.createKey('instance-dual-auth', false);
        assert.deepEqual(firstResource(plain).dualAuthDelete, { enabled: true, keySetForDeletion: false });
      } finally {
        assert.equal((await instanceDualAuth(false)).status, 204);
      }

      const standard = await kp.createKeyWithPolicyOverrides('overrides-standard', true, {
        dualAuth: { enabled: true },
      });
      assert.equal(standard.status, 201, standard.text);
      assert.deepEqual(firstResource(standard).dualAuthDelete, { enabled: true, keySetForDeletion: false });
      assert.equal(firstResource(standard).rotation, undefined);
    });

    it('CreateKeyWithPolicyOverrides refusals: rotation on a standard key, interval 0 (sent as -1); no key is left', async () => {
      const count = async () =>
        ((await kp.listKeys({ search: 'exact:overrides-refused' })).body as { resources: unknown[] }).resources.length;
      const standard = await kp.createKeyWithPolicyOverrides('overrides-refused', true, {
        rotation: { enabled: true, interval: 1 },
      });
      assert.deepEqual([standard.status, reasonCode(standard)], [400, 'KEY_ROOT_REQ_ERR'], standard.text);
      const zero = await kp.createKeyWithPolicyOverrides('overrides-refused', false, { rotation: { interval: 0 } });
      assert.deepEqual([zero.status, reasonCode(zero)], [400, 'INVALID_FIELD_ERR'], zero.text);
      const thirteen = await kp.createKeyWithPolicyOverrides('overrides-refused', false, {
        rotation: { enabled: true, interval: 13 },
      });
      assert.deepEqual([thirteen.status, reasonCode(thirteen)], [400, 'INVALID_FIELD_ERR'], thirteen.text);
      assert.equal(await count(), 0);
      const dualAuthWithoutEnabled = await kp.createKeyWithPolicyOverrides('overrides-refused', false, {
        dualAuth: {},
      });
      assert.deepEqual([dualAuthWithoutEnabled.status, reasonCode(dualAuthWithoutEnabled)], [400, 'INVALID_FIELD_ERR']);
      assert.equal(await count(), 0);
    });

    it('WithTags sends `Tags`: the key keeps them and every key answer and the key list show them as `tags`', async () => {
      const tags = ['payments', 'pci dss', ''];
      const created = await kp.createKey('tagged', false, { tags });
      assert.equal(created.status, 201, created.text);
      const id = firstResource(created).id as string;
      assert.deepEqual(firstResource(created).tags, tags);
      assert.deepEqual(firstResource(await kp.getKey(id)).tags, tags);
      assert.deepEqual(firstResource(await kp.getKeyMetadata(id)).tags, tags);
      assert.deepEqual(firstResource(await kp.listKeys({ search: 'exact:tagged' })).tags, tags);
      const lower = await kp.request('POST', 'keys', {
        body: {
          metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
          resources: [
            { name: 'tagged-lower', type: 'application/vnd.ibm.kms.key+json', tags: ['x'], extractable: true },
          ],
        },
      });
      assert.deepEqual(firstResource(lower).tags, ['x']);
      assert.equal(firstResource(await kp.createKey('untagged', true)).tags, undefined);
    });

    it('tags Key Protect refuses: more than 30, longer than 30 characters, or with < > , : & |', async () => {
      const refused = [
        Array.from({ length: 31 }, (_, i) => `t${i}`),
        ['x'.repeat(31)],
        ...['<', '>', ',', ':', '&', '|'].map((c) => [`a${c}b`]),
      ];
      for (const tags of refused) {
        const res = await kp.createKey('tag-refused', false, { tags });
        assert.deepEqual([res.status, reasonCode(res)], [400, 'INVALID_FIELD_ERR'], JSON.stringify(tags));
      }
      const count = await kp.listKeys({ search: 'exact:tag-refused' });
      assert.equal((count.body as { resources: unknown[] }).resources.length, 0);
      const thirty = await kp.createKey('tag-limits', false, {
        tags: Array.from({ length: 30 }, (_, i) => `${i}`.padEnd(30, '-')),
      });
      assert.equal(thirty.status, 201, thirty.text);
    });

    it('RotateV2 with a KeyPayload: a securely imported root key rotates to material sent under the import token', async () => {
      const token = await kp.createImportToken(600, 5);
      assert.equal(token.status, 200, token.text);
      // Key Protect's import tooling (the Go client's EncryptKey and EncryptNonce): RSA-OAEP SHA-256 of the
      // material under the token's public key; AES-256-GCM of the token's nonce under the material.
      const underToken = async (material: Buffer, nonceOverride?: Buffer, oaepHash: 'sha256' | 'sha1' = 'sha256') => {
        const transport = (await kp.getImportTokenTransportKey()).body as { payload: string; nonce: string };
        const pem = Buffer.from(transport.payload, 'base64').toString('utf8');
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', material, iv);
        const nonce = nonceOverride ?? Buffer.from(transport.nonce, 'base64');
        return {
          payload: publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, material).toString(
            'base64',
          ),
          encryptedNonce: Buffer.concat([cipher.update(nonce), cipher.final(), cipher.getAuthTag()]).toString('base64'),
          iv: iv.toString('base64'),
        };
      };
      const created = await kp.createKey('secure-rotated', false, await underToken(randomBytes(32)));
      assert.equal(created.status, 201, created.text);
      const id = firstResource(created).id as string;
      assert.equal(firstResource(created).imported, true);
      assert.equal(firstResource(created).encryptionAlgorithm, 'RSAES_OAEP_SHA_256');
      // CreateImportedKeyWithSHA1: Key Protect's answer echoes the algorithm (the Go client's testImportedKeySHA1).
      const sha1 = await kp.createKey('secure-sha1', false, {
        ...(await underToken(randomBytes(32), undefined, 'sha1')),
        sha1: true,
      });
      assert.equal(sha1.status, 201, sha1.text);
      assert.equal(firstResource(sha1).encryptionAlgorithm, 'RSAES_OAEP_SHA_1');

      const wrongNonce = await kp.rotateV2(id, {
        ...(await underToken(randomBytes(32), randomBytes(12))),
        encryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      });
      assert.deepEqual([wrongNonce.status, reasonCode(wrongNonce)], [400, 'INCORRECT_NONCE_ERR'], wrongNonce.text);
      const noIv = await kp.rotateV2(id, { ...(await underToken(randomBytes(32))), iv: undefined });
      assert.deepEqual([noIv.status, reasonCode(noIv)], [400, 'BAD_BODY_ERR'], noIv.text);
      assert.equal(((await kp.listKeyVersions(id)).body as { resources: unknown[] }).resources.length, 1);

      const rotated = await kp.rotateV2(id, {
        ...(await underToken(randomBytes(32))),
        encryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      });
      assert.deepEqual([rotated.status, rotated.text], [204, '']);
      const versions = (await kp.listKeyVersions(id)).body as { resources: { id: string }[] };
      assert.equal(versions.resources.length, 2);
      const wrapped = await kp.request('POST', `keys/${id}/actions/wrap`, { body: {} });
      assert.equal(wrapped.status, 200, wrapped.text);
      assert.equal((wrapped.body as { keyVersion: { id: string } }).keyVersion.id, versions.resources[0]?.id);
      const unwrapped = await kp.request('POST', `keys/${id}/actions/unwrap`, {
        body: { ciphertext: (wrapped.body as { ciphertext: string }).ciphertext },
      });
      assert.equal(
        (unwrapped.body as { plaintext: string }).plaintext,
        (wrapped.body as { plaintext: string }).plaintext,
      );
    });
  });
