/**
 * The HSM token lost under the running server, for real: SoftHSM's token directory
 * (`$KEYLEDGER_DATA_DIR/softhsm/tokens`) is moved away and back, as a removed and reinserted token.
 * While it is gone, operations that need it answer 503 SERVICE_UNAVAILABLE_ERR with a Key Protect
 * error body and release no key material; once it is back, the same process reopens its PKCS#11
 * sessions (a new C_Initialize, login, the master keys found again) and serves as before: keys made
 * before the loss still unwrap, new keys can be created.
 */
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KeyProtectClient, reasonCode, type Answer } from '../support/key-protect-client.ts';
import { startServer, type ServerProcess } from '../support/local-server.ts';

const ADMIN_KEY = 'faults-hsm-admin-api-key-0123456789abcdef';

function keyIdOf(answer: Answer): string {
  return (answer.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
}

void describe('HSM token lost and back (SoftHSM, SQLite)', () => {
  let server: ServerProcess;
  let client: KeyProtectClient;
  let keyId: string;
  let before_: { ciphertext: string; plaintext: string };
  const figures: string[] = [];

  before(async () => {
    server = await startServer({
      KEYLEDGER_STORE: 'sqlite',
      KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY,
      KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
    });
    client = await KeyProtectClient.connect(server.url, ADMIN_KEY, server.defaultInstanceId);
    const created = await client.createKey('before-the-loss');
    assert.equal(created.status, 201, created.text);
    keyId = keyIdOf(created);
    const plaintext = Buffer.alloc(32, 3).toString('base64');
    const wrapped = await client.call('POST', `/api/v2/keys/${keyId}/actions/wrap`, { body: { plaintext } });
    assert.equal(wrapped.status, 200, wrapped.text);
    before_ = { plaintext, ciphertext: (wrapped.body as { ciphertext: string }).ciphertext };
  });

  after(async () => {
    await server.dispose();
    for (const line of figures) console.log(line);
  });

  // Found by this test: SoftHSM does not take back a token whose files went away and came back (its
  // objects stay unfound until C_Finalize and C_Initialize), so the adapter reopens the module once the
  // token answers again (functions/crypto/pkcs11/open-pkcs11-hsm.ts, reopen).
  void it('answers 503 while the token is gone, and serves again once it is back, without a restart', async () => {
    const tokens = join(server.dataDir, 'softhsm', 'tokens');
    renameSync(tokens, `${tokens}.away`);
    const created = await client.createKey('during-the-loss');
    const rotated = await client.rotate(keyId);
    for (const answer of [created, rotated]) {
      assert.ok(
        (answer.status === 503 && reasonCode(answer) === 'SERVICE_UNAVAILABLE_ERR') ||
          (answer.status === 500 && reasonCode(answer) === 'AUDIT_UNAVAILABLE_ERR'),
        `${answer.status} ${answer.text.slice(0, 300)}`,
      );
      assert.doesNotMatch(answer.text, /"(ciphertext|plaintext|payload)"/);
    }
    renameSync(`${tokens}.away`, tokens);
    const started = Date.now();
    let after: Answer;
    for (;;) {
      after = await client.createKey('after-the-loss');
      if (after.status === 201) break;
      assert.ok(Date.now() - started < 60_000, `no recovery within 60 s: ${after.status} ${after.text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ms = Date.now() - started;
    const unwrapped = await client.unwrap(keyId, before_.ciphertext);
    assert.equal(unwrapped.status, 200, unwrapped.text);
    assert.equal((unwrapped.body as { plaintext: string }).plaintext, before_.plaintext);
    const newKey = keyIdOf(after);
    const wrapped = await client.call('POST', `/api/v2/keys/${newKey}/actions/wrap`, { body: {} });
    assert.equal(wrapped.status, 200, wrapped.text);
    for (const chain of [server.defaultInstanceId, '_service'])
      assert.equal((await client.verify(chain)).valid, true, chain);
    figures.push(
      `HSM token lost: create and rotate answered ${created.status}/${rotated.status}; recovered in ${ms} ms`,
    );
  });
});
