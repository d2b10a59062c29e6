/**
 * The HSM port contract against the remote adapter (functions/crypto/remote/lambda-hsm.ts) wired to the
 * real crypto function handler in process: only the Lambda invoke is replaced (by a transport that
 * JSON-encodes the request, calls the handler and JSON-encodes its answer, as Lambda does). The
 * handler, the codec and SoftHSM2 behind the PKCS#11 adapter are real.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createCryptoFunction, type CryptoFunction } from '../../../functions/crypto/handler.ts';
import { HsmInvalidInputError, HsmUnavailableError } from '../../../application/ports/hsm.ts';
import { openPkcs11Hsm, prepareSoftHsmToken } from '../../../functions/crypto/pkcs11/index.ts';
import { type CryptoTransport, RemoteHsm } from '../../../functions/crypto/remote/lambda-hsm.ts';
import { hsmContract } from './hsm.contract.ts';

const dataDirs: string[] = [];
const functions: CryptoFunction[] = [];
after(async () => {
  await Promise.all(functions.map((fn) => fn.close()));
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** What Lambda does around a synchronous invocation: JSON in, JSON out. */
function inProcess(fn: CryptoFunction): CryptoTransport {
  return async (request) => JSON.stringify(await fn.handle(JSON.parse(request) as unknown));
}

hsmContract('remote (crypto function handler in process, SoftHSM2)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyledger-crypto-fn-'));
  dataDirs.push(dataDir);
  const tuning = { sessions: 2, keyCacheSize: 4 };
  const open = async () => openPkcs11Hsm({ ...(await prepareSoftHsmToken(dataDir)), ...tuning });
  let fn = createCryptoFunction(open);
  functions.push(fn);
  return {
    hsm: new RemoteHsm(inProcess(fn)),
    // A restart of the crypto function too (a cold start on the same token), not only of the client.
    reopen: async () => {
      await fn.close();
      fn = createCryptoFunction(open);
      functions.push(fn);
      return new RemoteHsm(inProcess(fn));
    },
  };
});

void describe('crypto function handler', () => {
  test('answers malformed requests with HSM_INVALID_INPUT and never opens the HSM for them', async () => {
    let opened = 0;
    const fn = createCryptoFunction(() => {
      opened += 1;
      return Promise.reject(new HsmUnavailableError('not used'));
    });
    for (const event of [
      null,
      'x',
      {},
      { op: 'nope' },
      { op: 'encrypt', key: { masterKeyId: 'm', wrapped: '***' } },
      { op: 'random', length: '8' },
    ]) {
      assert.deepEqual(await fn.handle(event), {
        ok: false,
        error: { code: 'HSM_INVALID_INPUT', message: 'malformed crypto request' },
      });
    }
    assert.equal(opened, 0);
  });

  test('retries a failed open on the next invocation and reports it as HSM_UNAVAILABLE', async () => {
    let attempts = 0;
    const fn = createCryptoFunction(() => {
      attempts += 1;
      return Promise.reject(new HsmUnavailableError('token not found'));
    });
    const answer = await fn.handle({ op: 'random', length: 8 });
    assert.deepEqual(answer, { ok: false, error: { code: 'HSM_UNAVAILABLE', message: 'token not found' } });
    await fn.handle({ op: 'random', length: 8 });
    assert.equal(attempts, 2);
  });

  test('hides unexpected failures behind a fixed message', async () => {
    const fn = createCryptoFunction(() => Promise.reject(new Error('secret detail 0xdeadbeef')));
    assert.deepEqual(await fn.handle({ op: 'random', length: 8 }), {
      ok: false,
      error: { code: 'HSM_UNAVAILABLE', message: 'crypto function failed' },
    });
  });

  test('the client turns a malformed answer into HsmUnavailableError and a closed client refuses calls', async () => {
    const garbage = new RemoteHsm(() => Promise.resolve('{"ok":true,"result":{"bytes":5}}'));
    await assert.rejects(garbage.random(4), HsmUnavailableError);
    const notJson = new RemoteHsm(() => Promise.resolve('<html>'));
    await assert.rejects(notJson.random(4), HsmUnavailableError);
    const typed = new RemoteHsm(() =>
      Promise.resolve('{"ok":false,"error":{"code":"HSM_INVALID_INPUT","message":"length must be positive"}}'),
    );
    await assert.rejects(
      typed.random(-1),
      (error: unknown) => error instanceof HsmInvalidInputError && error.message === 'length must be positive',
    );
    await typed.close();
    await assert.rejects(typed.random(4), HsmUnavailableError);
  });
});
