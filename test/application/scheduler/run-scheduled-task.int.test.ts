/**
 * The scheduler use case against a real SQLite event store and key list, the in-process projector
 * and SoftHSM, with the clock injected through AppServices.now: rotation policies (the key's own
 * and the instance default), expiry and the automatic purge happen when due, not before, once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { handleCommand, type RequestScope } from '../../../application/command-handler.ts';
import {
  instancePoliciesAggregate,
  instancePoliciesStreamId,
} from '../../../application/instances/instance-policies.ts';
import { createKey } from '../../../application/keys/create-key.ts';
import { deleteKey } from '../../../application/keys/delete-key.ts';
import { findKey } from '../../../application/keys/find-key.ts';
import { runKeyCommand } from '../../../application/keys/key-command.ts';
import { unwrapKey } from '../../../application/keys/unwrap-key.ts';
import { wrapKey } from '../../../application/keys/wrap-key.ts';
import { runScheduledTask } from '../../../application/scheduler/run-scheduled-task.ts';
import { SCHEDULER_PRINCIPAL } from '../../../application/scheduler/scheduled-tasks.ts';
import type { AppServices } from '../../../application/services.ts';
import { settingsFromEnv } from '../../../application/settings.ts';
import { addMonths } from '../../../domain/keys/schedule.ts';
import { KeyStateCode } from '../../../domain/keys/state.ts';
import { Projector } from '../../../events/projections/projector.ts';
import { openSqliteKeyList } from '../../../events/read-models/sqlite/sqlite-key-list.ts';
import { openSqliteEventStore } from '../../../events/store/sqlite/sqlite-event-store.ts';
import { openSoftHsm } from '../../../functions/crypto/pkcs11/open-softhsm.ts';

const T0 = '2030-01-31T10:00:00.000Z';
const DAY_MS = 24 * 3600 * 1000;
const PRINCIPAL = 'scheduler-test-principal';

interface Harness {
  readonly services: AppServices;
  setNow(iso: string): void;
  close(): Promise<void>;
}

async function openHarness(dir: string): Promise<Harness> {
  const file = join(dir, 'keyledger.db');
  const hsm = await openSoftHsm({ dataDir: dir });
  const store = await openSqliteEventStore({ file });
  const keyList = await openSqliteKeyList({ file });
  const projector = new Projector(store, keyList, (error) => {
    throw error;
  });
  let now = new Date(T0);
  const services: AppServices = {
    store,
    hsm,
    keyList,
    settings: settingsFromEnv({}),
    catchUpReadModels: () => projector.catchUp(),
    now: () => now,
    newId: () => randomUUID(),
  };
  return {
    services,
    setNow: (iso) => {
      now = new Date(iso);
    },
    async close() {
      await projector.stop();
      await keyList.close();
      await store.close();
      await hsm.close();
    },
  };
}

void describe('scheduled tasks (SQLite, SoftHSM, injected clock)', () => {
  let dir: string;
  let h: Harness;
  const instance = randomUUID();
  const otherInstance = randomUUID();
  const scope: RequestScope = { instanceId: instance };
  const at = (iso: string) => h.setNow(iso);
  const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

  const newRoot = async (
    name: string,
    inScope: RequestScope = scope,
    extra: { expirationDate?: string; payload?: Buffer } = {},
  ) =>
    (await createKey(h.services, inScope, PRINCIPAL, { keyType: 'root', name, keyRingId: 'default', ...extra })).keyId;
  const setRotationPolicy = (keyId: string, enabled: boolean, intervalMonth: number) =>
    runKeyCommand(h.services, scope, PRINCIPAL, keyId, (c) => ({
      type: 'SetKeyPolicy',
      ...c,
      policy: { policy: 'rotation', enabled, intervalMonth },
    }));
  const versions = async (keyId: string, inScope = scope) =>
    (await findKey(h.services, inScope.instanceId, keyId)).versionCount;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyledger-scheduler-'));
    h = await openHarness(dir);
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  void it('rotates a key whose own rotation policy is due, once, and keeps its old ciphertexts unwrappable', async () => {
    at(T0);
    const keyId = await newRoot('own-policy');
    await setRotationPolicy(keyId, true, 1);
    const sealed = await wrapKey(h.services, instance, keyId, { aad: ['a'] });
    // 31 January + 1 month = 28 February (2030 is no leap year).
    const due = addMonths(T0, 1);
    assert.equal(due, '2030-02-28T10:00:00.000Z');
    at(plusMs(due, -1000));
    const early = await runScheduledTask(h.services, 'rotation');
    assert.equal(early.done, 0);
    assert.equal(await versions(keyId), 1);
    at(due);
    const report = await runScheduledTask(h.services, 'rotation');
    assert.deepEqual(report.failures, []);
    assert.equal(report.done, 1);
    const rotated = await findKey(h.services, instance, keyId);
    assert.equal(rotated.versionCount, 2);
    assert.equal(rotated.lastUpdateDate, due);
    assert.equal((await runScheduledTask(h.services, 'rotation')).done, 0, 'the next rotation is a month away');
    const opened = await unwrapKey(h.services, instance, keyId, { ciphertext: sealed.ciphertext, aad: ['a'] });
    assert.deepEqual(opened.plaintext, sealed.plaintext);
    assert.equal(opened.rewrapped?.keyVersionId, rotated.recentVersions[1]?.id);
    const history = await h.services.store.readStream(`key:${keyId}`);
    const rotation = history.find((e) => e.type === 'KeyVersionRotated');
    assert.equal(rotation?.meta.principalId, SCHEDULER_PRINCIPAL);
    at(addMonths(due, 1));
    assert.equal((await runScheduledTask(h.services, 'rotation')).done, 1);
    assert.equal(await versions(keyId), 3);
  });

  void it('rotates keys without a policy of their own by the instance default, and no others', async () => {
    const t1 = '2031-03-01T00:00:00.000Z';
    at(t1);
    const byDefault = await newRoot('instance-default');
    const ownDisabled = await newRoot('own-policy-disabled');
    await setRotationPolicy(ownDisabled, false, 1);
    const imported = await newRoot('imported', scope, { payload: Buffer.alloc(32, 9) });
    const elsewhere = await newRoot('no-instance-policy', { instanceId: otherInstance });
    await handleCommand(
      h.services.store,
      instancePoliciesAggregate,
      instancePoliciesStreamId(instance),
      {
        type: 'SetInstancePolicies',
        policies: [{ policy: 'rotation', enabled: true, intervalMonth: 2 }],
        now: t1,
        principalId: PRINCIPAL,
      },
      scope,
    );
    at(addMonths(t1, 1));
    await runScheduledTask(h.services, 'rotation');
    assert.equal(await versions(byDefault), 1, 'one month is not yet two');
    at(addMonths(t1, 2));
    const report = await runScheduledTask(h.services, 'rotation');
    assert.deepEqual(report.failures, []);
    assert.equal(await versions(byDefault), 2);
    assert.equal(await versions(ownDisabled), 1, "a key's own disabled policy wins over the instance default");
    assert.equal(await versions(imported), 1, "imported keys need the caller's material");
    assert.equal(await versions(elsewhere, { instanceId: otherInstance }), 1, 'an instance without a rotation policy');
    assert.equal((await runScheduledTask(h.services, 'rotation')).done, 0);
  });

  void it('expires an Active key once its expiration date has passed', async () => {
    const t2 = '2032-06-01T00:00:00.000Z';
    at(t2);
    const keyId = await newRoot('expiring', scope, { expirationDate: '2032-06-01T01:00:00+00:00' });
    at('2032-06-01T00:59:59.000Z');
    assert.equal((await runScheduledTask(h.services, 'expiration')).done, 0);
    at('2032-06-01T01:00:00.000Z');
    const report = await runScheduledTask(h.services, 'expiration');
    assert.deepEqual([report.done, report.failures.length], [1, 0]);
    assert.equal((await findKey(h.services, instance, keyId)).status, 'Deactivated');
    await h.services.catchUpReadModels();
    assert.equal((await h.services.keyList.get(instance, keyId))?.state, KeyStateCode.Deactivated);
    assert.equal(
      (await runScheduledTask(h.services, 'expiration')).candidates,
      0,
      'a Deactivated key is no longer a candidate',
    );
  });

  void it('purges a deleted key after KEYLEDGER_AUTO_PURGE_AFTER_S (90 days), not before', async () => {
    const t3 = '2033-01-01T00:00:00.000Z';
    at(t3);
    const keyId = await newRoot('to-auto-purge');
    await deleteKey(h.services, scope, PRINCIPAL, keyId, false);
    at(plusMs(t3, 90 * DAY_MS - 1000));
    assert.equal((await runScheduledTask(h.services, 'purge')).done, 0);
    assert.equal((await findKey(h.services, instance, keyId)).status, 'Destroyed');
    at(plusMs(t3, 90 * DAY_MS));
    const report = await runScheduledTask(h.services, 'purge');
    assert.deepEqual([report.done, report.failures.length], [1, 0]);
    await assert.rejects(findKey(h.services, instance, keyId), { code: 'KEY_NOT_FOUND_ERR' });
    await h.services.catchUpReadModels();
    assert.equal(await h.services.keyList.get(instance, keyId), null);
    const history = await h.services.store.readStream(`key:${keyId}`);
    assert.deepEqual(history.at(-1)?.data, { automatic: true });
  });

  void it('changes nothing when every task runs again, after a reopen of the same data', async () => {
    await h.close();
    h = await openHarness(dir);
    at('2033-06-01T00:00:00.000Z');
    for (const task of ['expiration', 'purge'] as const) {
      const report = await runScheduledTask(h.services, task);
      assert.deepEqual([task, report.done, report.failures.length], [task, 0, 0]);
    }
  });
});
