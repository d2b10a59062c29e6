/**
 * The HSM port contract against SoftHSM2 with blocking crypto (the local server's setting, from
 * openSoftHsm): encrypt/decrypt of a cached root key run as blocking calls on an idle session,
 * and everything else takes the asynchronous path, so both must keep the port's promises.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openPkcs11Hsm, prepareSoftHsmToken } from '../../../../functions/crypto/pkcs11/index.ts';
import { hsmContract } from '../hsm.contract.ts';

const dataDirs: string[] = [];
after(async () => {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

hsmContract('PKCS#11 (SoftHSM2, blocking crypto)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyledger-softhsm-blocking-'));
  dataDirs.push(dataDir);
  // Two sessions and a tiny cache: parallel tests find no idle session or an evicted key and fall back to the asynchronous path.
  const tuning = { sessions: 2, keyCacheSize: 4, blockingCrypto: true };
  const hsm = await openPkcs11Hsm({ ...(await prepareSoftHsmToken(dataDir)), ...tuning });
  return { hsm, reopen: async () => openPkcs11Hsm({ ...(await prepareSoftHsmToken(dataDir)), ...tuning }) };
});
