/**
 * A Terraform apply and destroy over keyledger, request by request as the `ibm_kms_*` resources make them
 * through the Go client (test/support/go-client.ts: the provider's client sends `x-kms-key-ring` on every
 * call, no content type, Go's bodies): a key ring (`ibm_kms_key_rings`), a key with its own policies
 * (`ibm_kms_key_with_policy_overrides`, with tags), its policies (`ibm_kms_key_policies`), a rotation, a
 * move to the ring, an alias (`ibm_kms_key_alias`) and the destroy (force delete with
 * `Prefer: return=representation`, then the ring with `force=true`). Each answer is checked against what
 * Key Protect answers, written out literally from its documentation and the Go client's fixtures; where
 * the Go client or the provider reads a field without checking it, the test checks it is there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GoKeyProtectClient, firstResource, reasonCode, type GoResponse } from '../support/go-client.ts';
import { STORE_MODES, startServer, storeEnv, tokenFor, type ServerProcess } from '../support/local-server.ts';

const KEY_TYPE = 'application/vnd.ibm.kms.key+json';
const POLICY_TYPE = 'application/vnd.ibm.kms.policy+json';

function resources(res: GoResponse): Record<string, unknown>[] {
  return (res.body as { resources?: Record<string, unknown>[] }).resources ?? [];
}

function metadata(res: GoResponse): Record<string, unknown> {
  return (res.body as { metadata: Record<string, unknown> }).metadata;
}

function isDate(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

for (const mode of STORE_MODES)
  void describe(`a Terraform apply and destroy through the Go client (${mode})`, () => {
    let server: ServerProcess;
    let kp: GoKeyProtectClient;

    before(async () => {
      server = await startServer({
        ...storeEnv(mode),
        KEYLEDGER_ADMIN_API_KEY: 'e2e-go-terraform-admin-key-0123456789',
        KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
        KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
      });
      kp = new GoKeyProtectClient(server.url, await tokenFor(server.url, server.adminApiKey), server.defaultInstanceId);
    });
    after(() => server.dispose());

    it('ring, key with policy overrides and tags, policies, rotate, move, alias, force delete', async () => {
      // ibm_kms_key_rings: POST (201, no body: the Go client fails on one), then GET /key_rings.
      const ring = await kp.createKeyRing('tf-ring');
      assert.deepEqual([ring.status, ring.text], [201, '']);
      const rings = await kp.getKeyRings();
      assert.equal(rings.status, 200, rings.text);
      assert.equal(metadata(rings).collectionType, 'application/vnd.ibm.kms.key_ring+json');
      const listed = resources(rings);
      assert.equal(listed[0]?.id, 'default');
      const tfRing = listed.find((r) => r.id === 'tf-ring');
      assert.ok(tfRing && isDate(tfRing.creationDate) && typeof tfRing.createdBy === 'string', rings.text);

      // ibm_kms_key_with_policy_overrides: the provider's client has key_ring_id "default" by default.
      const tf = kp.withKeyRing('default');
      const created = await tf.createKeyWithPolicyOverrides(
        'tf-key',
        false,
        { rotation: { enabled: true, interval: 3 }, dualAuth: { enabled: false } },
        { description: 'managed by terraform', tags: ['terraform', 'env-prod'] },
      );
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(metadata(created), { collectionType: KEY_TYPE, collectionTotal: 1 });
      const key = firstResource(created);
      const id = key.id as string;
      assert.deepEqual(
        [
          key.type,
          key.name,
          key.description,
          key.tags,
          key.extractable,
          key.imported,
          key.state,
          key.keyRingID,
          key.deleted,
          key.rotation,
          key.dualAuthDelete,
        ],
        [
          KEY_TYPE,
          'tf-key',
          'managed by terraform',
          ['terraform', 'env-prod'],
          false,
          false,
          1,
          'default',
          false,
          { enabled: true, interval_month: 3 },
          { enabled: false },
        ],
      );
      // Terraform's id is the CRN: type at segment 4, the instance at len-3, the key id last.
      const crn = (key.crn as string).split(':');
      assert.deepEqual(
        [crn[4], crn[crn.length - 3], crn[crn.length - 2], crn[crn.length - 1]],
        ['kms', server.defaultInstanceId, 'key', id],
      );
      assert.ok(isDate(key.creationDate) && isDate(key.lastUpdateDate), created.text);
      const firstVersion = (key.keyVersion as { id: string }).id;

      // Its read: GET the key, its registrations, its policies (rotation first; each with a CRN of ten
      // segments ending in its own id, and who set it and when: the provider dereferences all of them).
      assert.equal(firstResource(await tf.getKey(id)).id, id);
      const registrations = await tf.listRegistrations(id);
      assert.equal(registrations.status, 200, registrations.text);
      assert.deepEqual(
        [metadata(registrations).collectionType, metadata(registrations).collectionTotal, resources(registrations)],
        ['application/vnd.ibm.kms.registration+json', 0, []],
      );
      const own = await tf.getPolicies(id);
      assert.equal(own.status, 200, own.text);
      assert.deepEqual(metadata(own), { collectionType: POLICY_TYPE, collectionTotal: 2 });
      assert.deepEqual(
        resources(own).map((p) => [p.type, p.rotation, p.dualAuthDelete]),
        [
          [POLICY_TYPE, { enabled: true, interval_month: 3 }, undefined],
          [POLICY_TYPE, undefined, { enabled: false }],
        ],
      );
      for (const policy of resources(own)) {
        const policyCrn = (policy.crn as string).split(':');
        assert.deepEqual([policyCrn.length, policyCrn[8], policyCrn[9]], [10, 'policy', policy.id]);
        assert.ok(isDate(policy.creationDate) && isDate(policy.lastUpdateDate), own.text);
        assert.ok(typeof policy.createdBy === 'string' && typeof policy.updatedBy === 'string', own.text);
      }

      // ibm_kms_key_policies: GET the key, SetPolicies (no ?policy=), then an update of `enabled` alone
      // (DisableRotationPolicy / EnableRotationPolicy), which keeps the interval.
      const set = await tf.setPolicies(id, true, 6, true, false);
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(
        resources(set).map((p) => [p.rotation, p.dualAuthDelete]),
        [
          [{ enabled: true, interval_month: 6 }, undefined],
          [undefined, { enabled: false }],
        ],
      );
      const disabled = await tf.setRotationEnabled(id, false);
      assert.deepEqual(firstResource(disabled).rotation, { enabled: false, interval_month: 6 });
      const enabled = await tf.setRotationEnabled(id, true);
      assert.deepEqual(firstResource(enabled).rotation, { enabled: true, interval_month: 6 });
      const rotationPolicy = await tf.getKeyPolicy(id, 'rotation');
      assert.deepEqual(
        resources(rotationPolicy).map((p) => p.rotation),
        [{ enabled: true, interval_month: 6 }],
      );
      assert.deepEqual(firstResource(await tf.getKey(id)).rotation, { enabled: true, interval_month: 6 });

      // RotateV2(id, nil): body `null`, 204 with no body; a new version, the old one listed after it.
      const rotated = await tf.rotateV2(id);
      assert.deepEqual([rotated.status, rotated.text], [204, '']);
      const afterRotation = firstResource(await tf.getKey(id));
      const newVersion = (afterRotation.keyVersion as { id: string }).id;
      assert.notEqual(newVersion, firstVersion);
      assert.ok(isDate(afterRotation.lastRotateDate), JSON.stringify(afterRotation));
      const versions = await tf.listKeyVersions(id, { totalCount: true });
      assert.deepEqual(
        resources(versions).map((v) => v.id),
        [newVersion, firstVersion],
      );
      assert.equal(metadata(versions).totalCount, 2);

      // SetKeyRing: `{"KeyRingID": ...}` with the key's current ring in x-kms-key-ring; 200 with the key.
      const moved = await tf.setKeyRing(id, 'tf-ring');
      assert.equal(moved.status, 200, moved.text);
      assert.equal(firstResource(moved).keyRingID, 'tf-ring');
      const inRing = kp.withKeyRing('tf-ring');
      assert.deepEqual(
        resources(await inRing.getKeys(0, 0)).map((k) => k.id),
        [id],
        'a client of the ring lists only its keys',
      );

      // ibm_kms_key_alias: POST (201 with the alias), then GET the key by its alias.
      const alias = await inRing.createKeyAlias('tf-alias', id);
      assert.equal(alias.status, 201, alias.text);
      assert.deepEqual(metadata(alias), { collectionType: 'application/vnd.ibm.kms.alias+json', collectionTotal: 1 });
      const aliasResource = firstResource(alias);
      assert.deepEqual([aliasResource.keyId, aliasResource.alias], [id, 'tf-alias']);
      assert.ok(isDate(aliasResource.creationDate) && typeof aliasResource.createdBy === 'string', alias.text);
      const byAlias = firstResource(await inRing.getKey('tf-alias'));
      assert.deepEqual(
        [byAlias.id, byAlias.aliases, byAlias.tags, byAlias.keyRingID],
        [id, ['tf-alias'], ['terraform', 'env-prod'], 'tf-ring'],
      );

      // Destroy: DELETE with force and Prefer: return=representation (200 with the deleted key), then the
      // key reads as state 5 (the provider takes that as gone), a second delete is 410, and the ring goes
      // with force=true, its destroyed key moving to `default`.
      const deleted = await inRing.deleteKey(id, 'return=representation', true);
      assert.equal(deleted.status, 200, deleted.text);
      const gone = firstResource(deleted);
      assert.deepEqual(
        [gone.id, gone.state, gone.deleted, gone.keyRingID, gone.tags],
        [id, 5, true, 'tf-ring', ['terraform', 'env-prod']],
      );
      assert.ok(isDate(gone.deletionDate) && typeof gone.deletedBy === 'string', deleted.text);
      assert.equal(firstResource(await inRing.getKey(id)).state, 5);
      const again = await inRing.deleteKey(id, 'return=representation', true);
      assert.deepEqual([again.status, reasonCode(again)], [410, 'KEY_DELETED_ERR']);
      const ringDeleted = await kp.deleteKeyRing('tf-ring', true);
      assert.deepEqual([ringDeleted.status, ringDeleted.text], [204, '']);
      assert.ok(!resources(await kp.getKeyRings()).some((r) => r.id === 'tf-ring'));
      assert.equal(firstResource(await kp.getKey(id)).keyRingID, 'default');
    });
  });
