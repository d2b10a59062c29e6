/**
 * `keyledger backup` and `keyledger restore` (README "Backup and restore"), end to end: the real server
 * under a light write load while the backup runs, then a server started on the restored directory with
 * the same SoftHSM token, checked over HTTP. Also the refusals: a non-empty target, a damaged backup, a
 * directory that is no backup, the DynamoDB store.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
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
import Database from 'better-sqlite3';
import { keyledger } from '../support/keyledger-cli.ts';
import { KeyProtectClient } from '../support/key-protect-client.ts';
import { startServer } from '../support/local-server.ts';
import { createAcked, Ledger, runClient } from '../support/mixed-load.ts';

/** What the ledger holds now: the operations acknowledged before this moment. */
function snapshot(ledger: Ledger): Ledger {
  const copy = new Ledger();
  for (const [from, to] of [
    [ledger.wrapKeys, copy.wrapKeys],
    [ledger.lifecycleKeys, copy.lifecycleKeys],
  ] as const)
    for (const [id, key] of from) to.set(id, { id, versions: new Set(key.versions) });
  copy.wraps.push(...ledger.wraps);
  for (const request of ledger.requests) copy.requests.add(request);
  return copy;
}

void describe('keyledger backup and restore (SQLite)', () => {
  const dirs: string[] = [];
  const fresh = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), `keyledger-${prefix}-`));
    dirs.push(dir);
    return dir;
  };
  const figures: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const line of figures) console.log(line);
  });

  void it('copies a server under load; a server on the restored copy verifies its chains, lists the keys and unwraps', async () => {
    const hsmDir = fresh('hsm');
    const env = {
      KEYLEDGER_STORE: 'sqlite',
      KEYLEDGER_HSM_DIR: hsmDir,
      KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
      KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
      KEYLEDGER_SCHEDULER_INTERVAL_S: '0',
    };
    const original = await startServer(env, fresh('data'));
    // A reader that holds its snapshot (as an operator's sqlite3 shell may) keeps checkpoints from moving any
    // later commit into the database file: all the test writes stays in the WAL, where a copy of the file misses it.
    const pin = new Database(join(original.dataDir, 'keyledger.db'), { readonly: true });
    pin.exec('BEGIN');
    pin.prepare('SELECT count(*) FROM events').get();
    const ledger = new Ledger();
    let stopLoad = false;
    let load: Promise<void[]> | undefined;
    try {
      const client = await KeyProtectClient.connect(original.url, original.adminApiKey, original.defaultInstanceId);
      while (ledger.wrapKeys.size < 2) await createAcked(ledger, client, ledger.wrapKeys);
      // A light write load: two clients, one request at a time each, through the whole backup.
      load = Promise.all([0, 1].map(() => runClient(ledger, client, () => stopLoad)));
      while (ledger.requests.size < 20) await new Promise((resolve) => setTimeout(resolve, 20));

      const before = snapshot(ledger);
      const backupDir = join(fresh('backup'), 'copy');
      const backup = await keyledger(['backup', backupDir, '-o', 'json'], {
        ...env,
        KEYLEDGER_DATA_DIR: original.dataDir,
      });
      const acksDuringBackup = ledger.requests.size - before.requests.size;
      stopLoad = true;
      await load;
      pin.exec('COMMIT');
      assert.equal(backup.code, 0, backup.stderr);
      assert.ok(acksDuringBackup > 0, 'the load went on while the backup ran');
      assert.equal(ledger.statuses.get(500) ?? 0, 0, 'no 500 under the backup');
      const report = JSON.parse(backup.stdout) as {
        bytes: number;
        durationMs: number;
        contents: { events: number; auditRecords: number; auditChains: number };
        alsoKeep: string[];
      };
      assert.ok(report.contents.events > 0 && report.contents.auditRecords > 0, backup.stdout);
      assert.match(report.alsoKeep.join('\n'), new RegExp(`SoftHSM token directory ${hsmDir}`));
      assert.match(report.alsoKeep.join('\n'), new RegExp(`PIN, from the file ${join(hsmDir, 'pin')}`));
      assert.deepEqual(readdirSync(backupDir).sort(), [
        'admin-api-key',
        'default-instance',
        'keyledger-backup.json',
        'keyledger.db',
      ]);
      assert.equal(statSync(join(backupDir, 'admin-api-key')).mode & 0o777, 0o600);
      figures.push(
        `backup under load: ${report.durationMs} ms, ${report.bytes} bytes, ${report.contents.events} events, ` +
          `${report.contents.auditRecords} audit records; ${acksDuringBackup} requests acknowledged during it`,
      );
      const finalKeys = await client.listKeys();
      await original.stop();

      const restoredDir = join(fresh('restored'), 'data');
      const restored = await keyledger(['restore', backupDir, '--data-dir', restoredDir, '-o', 'json'], {});
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, new RegExp(`KEYLEDGER_HSM_DIR=${hsmDir}`));
      const server = await startServer(env, restoredDir);
      try {
        assert.equal(server.defaultInstanceId, original.defaultInstanceId);
        assert.equal(server.adminApiKey, original.adminApiKey);
        const checker = await KeyProtectClient.connect(server.url, server.adminApiKey, server.defaultInstanceId);
        for (const chain of [server.defaultInstanceId, '_service'])
          assert.equal((await checker.verify(chain)).valid, true, chain);
        // Everything acknowledged before the backup began: keys, versions, wraps (unwrapped), audit records.
        const checked = await before.check(checker);
        assert.equal(checked.lost, 0);
        // And nothing the original never had.
        const listed = await checker.listKeys();
        for (const id of listed.keys()) assert.ok(finalKeys.has(id), `key ${id} listed after the restore only`);
        figures.push(
          `restored: ${listed.size} keys listed (${finalKeys.size} at the end of the load), ` +
            `${checked.wraps} wraps from before the backup unwrapped, ${checked.requests} audit records found`,
        );
      } finally {
        await server.stop();
      }
    } finally {
      stopLoad = true;
      await load;
      pin.close();
      await original.stop();
    }
  });

  void it('refuses a non-empty target, a damaged backup and a directory that is no backup', async () => {
    const env = { KEYLEDGER_STORE: 'sqlite', KEYLEDGER_HSM_DIR: fresh('hsm') };
    const server = await startServer(env, fresh('data'));
    await server.stop();
    const dataEnv = { ...env, KEYLEDGER_DATA_DIR: server.dataDir };
    const occupied = fresh('occupied');
    writeFileSync(join(occupied, 'something'), 'x');

    const intoOccupied = await keyledger(['backup', occupied], dataEnv);
    assert.equal(intoOccupied.code, 1);
    assert.match(intoOccupied.stderr, /is not empty/);

    // A stopped server's directory backs up as well.
    const backupDir = join(fresh('backup'), 'copy');
    const backup = await keyledger(['backup', backupDir], dataEnv);
    assert.equal(backup.code, 0, backup.stderr);

    const overOccupied = await keyledger(['restore', backupDir, '--data-dir', occupied], {});
    assert.equal(overOccupied.code, 1);
    assert.match(overOccupied.stderr, /the data directory .* is not empty/);
    assert.deepEqual(readdirSync(occupied), ['something']);

    const notABackup = await keyledger(['restore', occupied, '--data-dir', join(fresh('target'), 'd')], {});
    assert.equal(notABackup.code, 1);
    assert.match(notABackup.stderr, /not a keyledger backup/);

    const database = join(backupDir, 'keyledger.db');
    const bytes = readFileSync(database);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(database, bytes);
    const target = join(fresh('target'), 'd');
    const damaged = await keyledger(['restore', backupDir, '--data-dir', target], {});
    assert.equal(damaged.code, 1);
    assert.match(damaged.stderr, /keyledger\.db in the backup differs from its manifest/);
    assert.equal(existsSync(target), false);

    const usage = await keyledger(['restore', backupDir], {});
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /required option '--data-dir <dir>' not specified/);
  });

  void it('refuses the DynamoDB store and points at point-in-time recovery', async () => {
    const dataDir = fresh('data');
    mkdirSync(dataDir, { recursive: true });
    const target = join(fresh('backup'), 'copy');
    const refused = await keyledger(['backup', target], {
      KEYLEDGER_STORE: 'dynamodb',
      KEYLEDGER_DATA_DIR: dataDir,
      KEYLEDGER_DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /point-in-time recovery or on-demand backups/);
    assert.equal(existsSync(target), false);
  });
});
