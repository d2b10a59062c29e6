/** The HSM port contract against SoftHSM2 through the PKCS#11 adapter, in a fresh data directory. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openPkcs11Hsm, prepareSoftHsmToken } from '../../../../functions/crypto/pkcs11/index.ts';
import { hsmContract } from '../hsm.contract.ts';

const dataDirs: string[] = [];
after(async () => {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

hsmContract('PKCS#11 (SoftHSM2)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyledger-softhsm-'));
  dataDirs.push(dataDir);
  // Two sessions and a tiny cache, so the contract's parallel test queues on the pool and evicts.
  const tuning = { sessions: 2, keyCacheSize: 4 };
  const hsm = await openPkcs11Hsm({ ...(await prepareSoftHsmToken(dataDir)), ...tuning });
  return { hsm, reopen: async () => openPkcs11Hsm({ ...(await prepareSoftHsmToken(dataDir)), ...tuning }) };
});

void test('SoftHSM PINs are stored readable by the owner only', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyledger-softhsm-'));
  dataDirs.push(dataDir);
  const options = await prepareSoftHsmToken(dataDir);
  assert.equal((await stat(join(dataDir, 'softhsm', 'pin'))).mode & 0o777, 0o600);
  assert.deepEqual(await prepareSoftHsmToken(dataDir), options);
});
