/**
 * The crypto function opens its HSM from the environment the stack sets (its own process: SoftHSM
 * reads one configuration per process). With KEYLEDGER_HSM_DATA_DIR (hsm=softhsm, the EFS mount) the
 * first start initialises the token and its PINs there; a cold start later finds the same keys.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createCryptoFunction, openHsmFromEnv } from '../../../functions/crypto/handler.ts';
import { SOFTHSM_MODULE_PATH } from '../../../functions/crypto/pkcs11/index.ts';
import { RemoteHsm } from '../../../functions/crypto/remote/lambda-hsm.ts';

let dataDir = '';
after(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('openHsmFromEnv initialises a SoftHSM token under KEYLEDGER_HSM_DATA_DIR once and finds it after a cold start', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keyledger-crypto-env-'));
  await assert.rejects(openHsmFromEnv({ KEYLEDGER_HSM_DATA_DIR: dataDir }), /KEYLEDGER_PKCS11_MODULE is not set/);
  const env = {
    KEYLEDGER_PKCS11_MODULE: SOFTHSM_MODULE_PATH,
    KEYLEDGER_HSM_DATA_DIR: dataDir,
    KEYLEDGER_HSM_TOKEN_LABEL: 'keyledger-env',
  };
  const first = createCryptoFunction(() => openHsmFromEnv(env));
  const transport = (fn: typeof first) => async (request: string) =>
    JSON.stringify(await fn.handle(JSON.parse(request) as unknown));
  const spki = await new RemoteHsm(transport(first)).ensureSigningKey('env-signing');
  assert.equal((await stat(join(dataDir, 'softhsm', 'pin'))).mode & 0o777, 0o600);
  await first.close();
  const second = createCryptoFunction(() => openHsmFromEnv(env));
  try {
    assert.deepEqual(await new RemoteHsm(transport(second)).ensureSigningKey('env-signing'), spki);
  } finally {
    await second.close();
  }
});
