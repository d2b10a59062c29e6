/**
 * The data directory has one owner at a time: the server, or a command that writes it (`keyledger
 * read-models rebuild`). The lock is the operating system's (an SQLite write lock on
 * `$KEYLEDGER_DATA_DIR/data-dir.lock`), so it dies with its holder, SIGKILL included.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lockDataDir } from '../../server/data-dir-lock.ts';
import { keyledger, type CliRun } from '../support/keyledger-cli.ts';
import { startServer } from '../support/local-server.ts';

function rebuild(dataDir: string): Promise<CliRun> {
  return keyledger(['read-models', 'rebuild'], { KEYLEDGER_DATA_DIR: dataDir, KEYLEDGER_STORE: 'sqlite' });
}

describe('data directory lock', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyledger-lock-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a second server on the same data directory exits non-zero naming the holder; the first keeps serving', async () => {
    const first = await startServer({}, fresh());
    try {
      await assert.rejects(startServer({}, first.dataDir), (error: Error) => {
        assert.match(error.message, /server exited with 1/);
        assert.match(error.message, new RegExp(`the keyledger server \\(pid ${first.pid}\\b[^)]*\\) holds`));
        return true;
      });
      assert.equal((await fetch(`${first.url}/health`)).status, 200);
    } finally {
      assert.equal(await first.stop(), 0);
    }
    // A clean stop leaves nothing behind that would block the next start.
    const next = await startServer({}, first.dataDir);
    assert.equal(await next.stop(), 0);
  });

  it('the operating system releases the lock when its holder dies: a new server starts after a SIGKILL', async () => {
    const killed = await startServer({}, fresh());
    process.kill(killed.pid, 'SIGKILL');
    await killed.stop();
    const next = await startServer({}, killed.dataDir);
    assert.equal((await fetch(`${next.url}/health`)).status, 200);
    assert.equal(await next.stop(), 0);
  });

  it('the server and the rebuild command refuse while another process holds the directory, naming it', async () => {
    const dir = fresh();
    const server = await startServer({}, dir);
    assert.equal(await server.stop(), 0);
    const held = await lockDataDir(dir, 'a test');
    try {
      await assert.rejects(startServer({}, dir), new RegExp(`a test \\(pid ${process.pid}\\b[^)]*\\) holds`));
      const refused = await rebuild(dir);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, new RegExp(`a test \\(pid ${process.pid}\\b[^)]*\\) holds`));
      await assert.rejects(lockDataDir(dir, 'another test'), /a test \(pid \d+/);
    } finally {
      held.release();
    }
    const done = await rebuild(dir);
    assert.equal(done.code, 0, done.stderr);
    const restarted = await startServer({}, dir);
    assert.equal(await restarted.stop(), 0);
  });
});
