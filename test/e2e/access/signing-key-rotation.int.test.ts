/**
 * Token-signing key rotation: after `POST /admin/v1/token-signing-keys`, new tokens carry the new
 * kid, tokens issued before keep working (also after a restart), and the CLI rotates the same way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { startServer, tokenFor, type ServerProcess } from '../../support/local-server.ts';
import { Admin, call } from '../../support/access-helpers.ts';
import { keyledger } from '../../support/keyledger-cli.ts';

const kidOf = (token: string): string | undefined => decodeProtectedHeader(token).kid;

const ADMIN_KEY = 'rotation-admin-key-0123456789abcdef0123';

describe('token-signing key rotation', () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServer({ KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY });
  });
  after(async () => {
    await server.dispose();
  });

  it('signs new tokens with the new key while live tokens keep verifying, across a restart', async () => {
    const admin = await Admin.connect(server);
    const before = admin.token;
    assert.equal(kidOf(before), 'keyledger-token-signing-1');
    const rotated = await call(server, before, 'POST', '/admin/v1/token-signing-keys');
    assert.equal(rotated.status, 201);
    assert.deepEqual(rotated.body, { kid: 'keyledger-token-signing-2', previousKid: 'keyledger-token-signing-1' });
    const afterRotation = await tokenFor(server.url, ADMIN_KEY);
    assert.equal(kidOf(afterRotation), 'keyledger-token-signing-2');
    for (const token of [before, afterRotation]) {
      assert.equal(
        (await call(server, token, 'GET', '/api/v2/keys', { instanceId: server.defaultInstanceId })).status,
        200,
      );
    }
    server = await server.restart();
    for (const token of [before, afterRotation]) {
      assert.equal(
        (await call(server, token, 'GET', '/api/v2/keys', { instanceId: server.defaultInstanceId })).status,
        200,
        kidOf(token),
      );
    }
    const { stdout } = await keyledger([
      'signing-key',
      'rotate',
      '-o',
      'json',
      '--url',
      server.url,
      '--api-key',
      ADMIN_KEY,
    ]);
    assert.equal((JSON.parse(stdout) as { kid: string }).kid, 'keyledger-token-signing-3');
    assert.equal(kidOf(await tokenFor(server.url, ADMIN_KEY)), 'keyledger-token-signing-3');
    assert.equal(
      (await call(server, before, 'GET', '/api/v2/keys', { instanceId: server.defaultInstanceId })).status,
      200,
      'the first key still verifies its tokens',
    );
  });

  it('refuses a token whose kid no key has', async () => {
    const admin = await Admin.connect(server);
    const [h, p, s] = admin.token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...header, kid: 'keyledger-token-signing-99' })).toString('base64url')}.${p}.${s}`;
    assert.equal(
      (await call(server, forged, 'GET', '/api/v2/keys', { instanceId: server.defaultInstanceId })).status,
      401,
    );
  });
});
