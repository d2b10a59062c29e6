/**
 * A lost token, for real: SoftHSM's token directory moved away under an open adapter and back. While it
 * is gone every call settles, each either answered or refused with HsmUnavailableError; once it is back
 * the adapter reopens the module by itself, once for all the callers that failed (one C_Initialize, the
 * library's generation counts them), and keys wrapped before the loss still work.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Hsm, HsmUnavailableError } from '../../../../application/ports/hsm.ts';
import { openPkcs11Hsm, prepareSoftHsmToken } from '../../../../functions/crypto/pkcs11/index.ts';
import { acquireLibrary, releaseLibrary } from '../../../../functions/crypto/pkcs11/library.ts';

const AAD = new TextEncoder().encode('token-loss');

void describe('PKCS#11 adapter: the token lost and back (SoftHSM2)', () => {
  let dataDir: string;
  let tokens: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keyledger-token-loss-'));
    tokens = join(dataDir, 'softhsm', 'tokens');
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const open = async (): Promise<Hsm> => openPkcs11Hsm({ ...(await prepareSoftHsmToken(dataDir)), sessions: 2 });

  /** Settles `calls` and returns what each rejection was; anything but HsmUnavailableError fails the test. */
  async function refusals(calls: readonly Promise<unknown>[]): Promise<number> {
    let refused = 0;
    for (const outcome of await Promise.allSettled(calls)) {
      if (outcome.status === 'fulfilled') continue;
      assert.ok(outcome.reason instanceof HsmUnavailableError, String(outcome.reason));
      refused += 1;
    }
    return refused;
  }

  void it('refuses with HsmUnavailableError while the token is gone, then reopens once and serves', async () => {
    const hsm = await open();
    const prepared = await prepareSoftHsmToken(dataDir);
    const library = acquireLibrary(prepared.modulePath);
    try {
      const key = await hsm.generateAesKey();
      const plaintext = new Uint8Array(32).fill(7);
      const sealed = await hsm.encrypt(key, plaintext, AAD);
      const generation = library.generation;

      await rename(tokens, `${tokens}.away`);
      const burst = Array.from({ length: 40 }, (_, i) => {
        if (i % 4 === 0) return hsm.generateAesKey();
        if (i % 4 === 1) return hsm.encrypt(key, plaintext, AAD);
        if (i % 4 === 2) return hsm.decrypt(key, sealed, AAD);
        return hsm.random(16);
      });
      assert.ok((await refusals(burst)) > 0, 'some calls need the token');
      await assert.rejects(hsm.generateAesKey(), HsmUnavailableError);

      await rename(`${tokens}.away`, tokens);
      const back = Date.now();
      let failures = 0;
      for (;;) {
        const attempt = await Promise.allSettled([hsm.generateAesKey(), hsm.decrypt(key, sealed, AAD)]);
        if (attempt.every((outcome) => outcome.status === 'fulfilled')) break;
        failures += await refusals(
          attempt.map((o) => (o.status === 'fulfilled' ? Promise.resolve() : Promise.reject(o.reason as Error))),
        );
        assert.ok(Date.now() - back < 30_000, 'not reopened within 30 s of the token coming back');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(library.generation, generation + 1, `one C_Initialize for ${failures} failed calls and the burst`);
      assert.deepEqual(await hsm.decrypt(key, sealed, AAD), plaintext);
      const fresh = await hsm.generateAesKey();
      assert.deepEqual(await hsm.decrypt(fresh, await hsm.encrypt(fresh, plaintext, AAD), AAD), plaintext);
      console.log(`token back: reopened in ${Date.now() - back} ms`);
    } finally {
      await hsm.close();
      releaseLibrary(library);
    }
  });

  void it('closes while the token is gone, without waiting for it', async () => {
    const hsm = await open();
    try {
      await hsm.generateAesKey();
      await rename(tokens, `${tokens}.away`);
      await assert.rejects(hsm.generateAesKey(), HsmUnavailableError);
      await hsm.close();
      await assert.rejects(hsm.random(8), HsmUnavailableError);
    } finally {
      await rename(`${tokens}.away`, tokens);
    }
    // The module was released whole: the same token opens again in this process.
    const again = await open();
    await again.generateAesKey();
    await again.close();
  });
});
