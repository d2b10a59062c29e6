/**
 * The crypto function's HSM open on AWS with a provisioned token (hsm=custom): the user PIN comes from
 * Secrets Manager through the AWS Parameters and Secrets Lambda Extension's local endpoint. The extension
 * is played by an HTTP server on a random port; SoftHSM2 stands in for the provisioned token. A file of
 * its own: no other HSM of this process may be logged in to the token, or a wrong PIN would go unnoticed
 * (PKCS#11 logins are per application, not per session).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HsmUnavailableError } from '../../../application/ports/hsm.ts';
import { openHsmFromEnv } from '../../../functions/crypto/handler.ts';
import { openPkcs11Hsm, prepareSoftHsmToken } from '../../../functions/crypto/pkcs11/index.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'keyledger-crypto-pin-'));
after(() => rm(dataDir, { recursive: true, force: true }));

void test('without a data directory the PIN comes from Secrets Manager through the extension and opens the token', async () => {
  const prepared = await prepareSoftHsmToken(dataDir);
  await (await openPkcs11Hsm(prepared)).close(); // initialises the token, as its provisioning would

  const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hsm-pin';
  const seen: { url: string | undefined; token: string | string[] | undefined }[] = [];
  let answer = { status: 200, secret: prepared.pin };
  const extension = createServer((request, response) => {
    seen.push({ url: request.url, token: request.headers['x-aws-parameters-secrets-token'] });
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ SecretString: answer.secret }));
  });
  await new Promise<void>((resolve) => extension.listen(0, '127.0.0.1', resolve));
  const env = {
    KEYLEDGER_PKCS11_MODULE: prepared.modulePath,
    KEYLEDGER_HSM_PIN_SECRET_ARN: secretArn,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((extension.address() as AddressInfo).port),
    AWS_SESSION_TOKEN: 'session-token',
  };
  try {
    const hsm = await openHsmFromEnv(env);
    assert.equal((await hsm.random(16)).length, 16);
    await hsm.close();
    assert.deepEqual(seen, [
      { url: `/secretsmanager/get?secretId=${encodeURIComponent(secretArn)}`, token: 'session-token' },
    ]);

    // The PIN read is the one used: the token refuses another.
    answer = { status: 200, secret: 'not-the-pin' };
    await assert.rejects(
      openHsmFromEnv(env),
      (error: unknown) =>
        error instanceof HsmUnavailableError &&
        `${error.message} ${String((error.cause as Error | undefined)?.message)}`.includes('CKR_PIN_INCORRECT'),
    );
    answer = { status: 403, secret: prepared.pin };
    await assert.rejects(openHsmFromEnv(env), {
      name: 'HsmUnavailableError',
      message: 'reading the HSM PIN secret failed with status 403',
    });
  } finally {
    await new Promise((resolve) => extension.close(resolve));
  }

  // No extension listening: the module path is real, so only the missing extension can fail the open.
  await assert.rejects(openHsmFromEnv(env), {
    name: 'HsmUnavailableError',
    message: 'cannot reach the Parameters and Secrets Lambda Extension for the HSM PIN',
  });
});
