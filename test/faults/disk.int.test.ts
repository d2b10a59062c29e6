/**
 * Lost disk, for real: the SQLite server's data directory is a small tmpfs, filled to the last byte
 * while the server runs. Requests that must write answer 503
 * SERVICE_UNAVAILABLE_ERR (a change) or 500 AUDIT_UNAVAILABLE_ERR (a request whose only write is its
 * audit record, such as a wrap), with a Key Protect error body and no payload; nothing answered 2xx
 * is missing afterwards; once space is back the same process serves writes again. (A read-only
 * remount is not tried: Linux refuses it with EBUSY while SQLite holds its files open for writing.)
 * Mounting needs root; without it the suite is skipped with that reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KeyProtectClient, reasonCode, type Answer } from '../support/key-protect-client.ts';
import { startServer, type ServerProcess } from '../support/local-server.ts';

const ADMIN_KEY = 'faults-disk-admin-api-key-0123456789abcdef';
const SIZE = '48m';

function run(command: string, args: string[]): { ok: boolean; error: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { ok: result.status === 0, error: `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim() };
}

/** Whether this process may mount a tmpfs (root, mount(8) present, not forbidden by a container). */
function mountProbe(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-mount-probe-'));
  try {
    const mounted = run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    if (!mounted.ok) return `cannot mount a tmpfs: ${mounted.error}`;
    run('umount', [dir]);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cannotMount = mountProbe();

/** Writes `file` until the filesystem has no byte left. */
function fill(file: string): number {
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 512, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
          written += size;
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

function keyIdOf(answer: Answer): string {
  return (answer.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
}

void describe('lost disk (SQLite): full under the running server', { skip: cannotMount }, () => {
  let mnt: string;
  let server: ServerProcess;
  let client: KeyProtectClient;
  let keyId: string;
  const ackedKeys: string[] = [];
  const ackedWraps: { ciphertext: string; plaintext: string }[] = [];
  const figures: string[] = [];

  before(async () => {
    mnt = mkdtempSync(join(tmpdir(), 'keyledger-disk-'));
    const mounted = run('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', mnt]);
    assert.ok(mounted.ok, mounted.error);
    mkdirSync(join(mnt, 'data'));
    server = await startServer(
      {
        KEYLEDGER_STORE: 'sqlite',
        KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY,
        KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
        KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S: '1',
      },
      join(mnt, 'data'),
    );
    client = await KeyProtectClient.connect(server.url, ADMIN_KEY, server.defaultInstanceId);
    const created = await client.createKey('before-the-fault');
    assert.equal(created.status, 201, created.text);
    keyId = keyIdOf(created);
    ackedKeys.push(keyId);
  });

  after(async () => {
    await server?.kill();
    if (mnt) {
      run('mount', ['-o', 'remount,rw', mnt]);
      run('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
    for (const line of figures) console.log(line);
  });

  /** Creates and wraps until writes fail; records what was acknowledged; returns the failures. */
  async function writeUntilRefused(): Promise<Answer[]> {
    const refused: Answer[] = [];
    for (let i = 0; i < 400 && refused.length < 6; i++) {
      const created = await client.createKey(`during-${i}`);
      if (created.status === 201) ackedKeys.push(keyIdOf(created));
      else refused.push(created);
      const plaintext = Buffer.alloc(32, i % 256).toString('base64');
      const wrapped = await client.call('POST', `/api/v2/keys/${keyId}/actions/wrap`, { body: { plaintext } });
      const ciphertext = (wrapped.body as { ciphertext?: string } | null)?.ciphertext;
      if (wrapped.status === 200 && ciphertext) ackedWraps.push({ ciphertext, plaintext });
      else refused.push(wrapped);
    }
    assert.ok(refused.length > 0, 'the fault never refused a write');
    for (const answer of refused) {
      assert.ok(
        (answer.status === 503 && reasonCode(answer) === 'SERVICE_UNAVAILABLE_ERR') ||
          (answer.status === 500 && reasonCode(answer) === 'AUDIT_UNAVAILABLE_ERR'),
        `${answer.status} ${answer.text.slice(0, 300)}`,
      );
      assert.doesNotMatch(answer.text, /"(ciphertext|plaintext|payload)"/);
    }
    return refused;
  }

  /** Polls with a create until the server writes again; returns how long that took. */
  async function recovered(): Promise<number> {
    const started = Date.now();
    for (;;) {
      const created = await client.createKey('after-the-fault');
      if (created.status === 201) {
        ackedKeys.push(keyIdOf(created));
        return Date.now() - started;
      }
      assert.ok(Date.now() - started < 60_000, `no recovery within 60 s: ${created.status} ${created.text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function everythingAcknowledgedIsThere(): Promise<void> {
    const listed = await client.listKeys();
    for (const id of ackedKeys) assert.ok(listed.has(id), `acknowledged key ${id} is missing`);
    for (const wrap of ackedWraps) {
      const answer = await client.unwrap(keyId, wrap.ciphertext);
      assert.equal(answer.status, 200, answer.text);
      assert.equal((answer.body as { plaintext: string }).plaintext, wrap.plaintext);
    }
  }

  void it('full disk: writes refused fail-closed, nothing acknowledged is lost, writes resume once space is back', async () => {
    const filler = join(mnt, 'filler');
    fill(filler);
    const refused = await writeUntilRefused();
    rmSync(filler);
    const ms = await recovered();
    await everythingAcknowledgedIsThere();
    figures.push(
      `disk full: ${refused.length} writes refused (${refused.map((a) => a.status).join(',')}); recovered in ${ms} ms`,
    );
  });

  void it('after it, a SIGKILL and a restart on the same directory keep every acknowledged key and record', async () => {
    await server.kill('SIGKILL');
    server = await startServer(
      {
        KEYLEDGER_STORE: 'sqlite',
        KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY,
        KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
        KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S: '1',
      },
      server.dataDir,
    );
    await client.follow(server.url);
    await everythingAcknowledgedIsThere();
    for (const chain of [server.defaultInstanceId, '_service'])
      assert.equal((await client.verify(chain)).valid, true, chain);
    const reconciliation = await client.reconciliation();
    assert.deepEqual((reconciliation.body as { missing: unknown[] }).missing, [], reconciliation.text);
  });
});
