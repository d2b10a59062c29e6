/**
 * What a copy of the data directory gives whoever takes it. With the defaults the SoftHSM token and its
 * PIN sit inside the data directory, so a copy started elsewhere mints tokens the original accepts: the
 * test says so, as the README does. With the token directory and the PIN kept elsewhere
 * (KEYLEDGER_HSM_DIR, KEYLEDGER_HSM_PIN_FILE), a copy of the data directory holds neither, and what it
 * mints the original refuses.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServer, tokenFor, type ServerProcess } from '../support/local-server.ts';

const ADMIN_KEY = `hsm-location-admin-${randomBytes(8).toString('hex')}`;

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** A copy of a stopped server's data directory, as a thief would take it. */
function stolenCopy(dataDir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'keyledger-stolen-'));
  cpSync(dataDir, copy, { recursive: true });
  return copy;
}

async function listKeys(server: ServerProcess, token: string): Promise<number> {
  const res = await fetch(`${server.url}/api/v2/keys`, {
    headers: { authorization: `Bearer ${token}`, 'bluemix-instance': server.defaultInstanceId },
  });
  await res.body?.cancel();
  return res.status;
}

describe('where the SoftHSM token and its PIN live', () => {
  const dirs: string[] = [];
  const fresh = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('with the defaults, a copy of the data directory mints tokens the original accepts (and npm start says so)', async () => {
    const env = { KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY };
    let original = await startServer(env, fresh('keyledger-original-'));
    assert.match(
      original.output(),
      /token PIN in .*softhsm\/pin, next to the token: a copy of the data directory opens the token/,
    );
    await original.stop();
    const copy = stolenCopy(original.dataDir);
    dirs.push(copy);
    original = await original.restart();
    const thief = await startServer(env, copy);
    try {
      assert.equal(await listKeys(original, await tokenFor(thief.url, ADMIN_KEY)), 200);
    } finally {
      await thief.stop();
      await original.stop();
    }
  });

  it('with the token directory and PIN elsewhere, the data directory holds neither, and a copy mints nothing the original accepts', async () => {
    const secrets = fresh('keyledger-secrets-');
    const pinFile = join(secrets, 'pin');
    const pin = randomBytes(24).toString('base64url');
    writeFileSync(pinFile, `${pin}\n`, { mode: 0o644 });
    const hsmDir = join(secrets, 'softhsm');
    const env = { KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY, KEYLEDGER_HSM_DIR: hsmDir, KEYLEDGER_HSM_PIN_FILE: pinFile };
    const dataDir = fresh('keyledger-apart-');
    await assert.rejects(startServer(env, dataDir), /KEYLEDGER_HSM_PIN_FILE .* is readable by others \(mode 644\)/);
    chmodSync(pinFile, 0o600);

    let original = await startServer(env, dataDir);
    assert.match(original.output(), new RegExp(`SoftHSM token in ${hsmDir}\\n`));
    assert.match(original.output(), new RegExp(`token PIN from the file ${pinFile}`));
    await original.stop();
    assert.ok(!existsSync(join(dataDir, 'softhsm')), 'no token in the data directory');
    for (const file of filesUnder(dataDir)) assert.ok(!readFileSync(file).includes(pin), `${file} holds the PIN`);
    assert.deepEqual(
      ['pin', 'so-pin'].filter((name) => existsSync(join(hsmDir, name))),
      [],
      'no PIN next to the token',
    );
    for (const file of filesUnder(hsmDir)) assert.ok(!readFileSync(file).includes(pin), `${file} holds the PIN`);

    const copy = stolenCopy(dataDir);
    dirs.push(copy);
    await assert.rejects(
      startServer({ KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY }, copy),
      /holds keys, but the SoftHSM token directory .* has no token/,
      'the copy does not start on a new, empty token',
    );
    // Even with a token of its own made for it, what the copy mints the original refuses.
    rmSync(join(copy, 'default-instance'));
    original = await original.restart();
    const thief = await startServer({ KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY }, copy);
    try {
      assert.equal(
        await listKeys(thief, await tokenFor(thief.url, ADMIN_KEY)),
        200,
        'the copy runs, on a token of its own',
      );
      assert.equal(
        await listKeys(original, await tokenFor(thief.url, ADMIN_KEY)),
        401,
        'the original refuses its tokens',
      );
      assert.equal(await listKeys(original, await tokenFor(original.url, ADMIN_KEY)), 200);
    } finally {
      await thief.stop();
      await original.stop();
    }
    const wrongPin = join(secrets, 'wrong-pin');
    writeFileSync(wrongPin, 'not-the-pin\n', { mode: 0o600 });
    await assert.rejects(startServer({ ...env, KEYLEDGER_HSM_PIN_FILE: wrongPin }, dataDir), /PIN/);
  });
});
