/**
 * The crash suite's runs, shared by its SQLite and DynamoDB files (each file runs in a process of its
 * own, so the two modes run side by side): the real server (the bundle `npm start` runs) under a
 * mixed load of 8 clients, killed with SIGKILL at a chosen moment, restarted on the same data
 * directory (DynamoDB mode: the same tables of the DynamoDB Local that keeps running), then checked:
 * every acknowledged key, version, wrap and request (Ledger.check), every audit chain, the
 * cross-check of events against the trail, and the key list against a rebuild from events.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { configFromEnv } from '../../server/config.ts';
import { rebuildReadModels } from '../../server/rebuild-read-models.ts';
import { localDynamoDbClient } from '../support/dynamodb-local.ts';
import { KeyProtectClient } from '../support/key-protect-client.ts';
import { KEYLEDGER_BIN } from '../support/keyledger-cli.ts';
import { spawnServer, startServer, storeEnv, type ServerProcess, type StoreMode } from '../support/local-server.ts';
import { acknowledged, createAcked, Ledger, rotateAcked, runClient, type CheckReport } from '../support/mixed-load.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ADMIN_KEY = 'faults-crash-admin-api-key-0123456789abcdef';
const CLIENTS = 8;

/**
 * When the kill comes:
 * - `under-load`: once the mixed load has had `afterAcks` requests acknowledged (a count, not a time:
 *   the machine's speed varies);
 * - `group-commit`: while a burst of 32 concurrent creates and rotations is being made durable: right
 *   after the first of them is answered, when the rest are between their event commit and their audit
 *   record's group commit;
 * - `at-start`: under load, then the restart itself is killed while it opens the stores and reconciles;
 * - `rebuild`: under load, then `keyledger read-models rebuild` is killed while it replays the events
 *   (its staging file or table exists); recovery is the documented one: run the rebuild again.
 */
export type KillTiming =
  | { readonly at: 'under-load'; readonly afterAcks: number }
  | { readonly at: 'group-commit' }
  | { readonly at: 'at-start' }
  | { readonly at: 'rebuild' };

export interface RunFigures {
  readonly mode: StoreMode;
  readonly timing: string;
  readonly checked: CheckReport;
  /** Records the restarted server's start-up pass wrote for requests killed between commit and record. */
  readonly reconciledAtStart: number;
  /** From the restart's spawn to `listening` (a rebuild's rerun included). */
  readonly recoveryMs: number;
}

function describeTiming(timing: KillTiming): string {
  return timing.at === 'under-load' ? `under load, after ${timing.afterAcks} acknowledged requests` : timing.at;
}

export function crashSuite(mode: StoreMode, timings: readonly KillTiming[]): void {
  void describe(`crash suite (${mode}): SIGKILL under a mixed load, restart, nothing acknowledged lost`, () => {
    const env: Record<string, string> = {
      ...storeEnv(mode),
      KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY,
      KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
      KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
      KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S: '2',
      KEYLEDGER_SCHEDULER_INTERVAL_S: '0',
    };
    const ledger = new Ledger();
    const figures: RunFigures[] = [];
    let server: ServerProcess;
    let checker: KeyProtectClient;

    before(async () => {
      server = await startServer(env);
      checker = await KeyProtectClient.connect(server.url, ADMIN_KEY, server.defaultInstanceId);
      while (ledger.wrapKeys.size < 3) await createAcked(ledger, checker, ledger.wrapKeys);
    });

    after(async () => {
      await server.dispose();
      for (const f of figures) {
        const c = f.checked;
        console.log(
          `crash run (${f.mode}, ${f.timing}): ${c.keys} keys, ${c.versions} versions, ${c.wraps} wraps, ` +
            `${c.requests} requests checked; lost ${c.lost}; ${f.reconciledAtStart} records reconciled at start; ` +
            `recovered in ${f.recoveryMs} ms`,
        );
      }
    });

    timings.forEach((timing, index) => {
      void it(`run ${index + 1}: SIGKILL ${describeTiming(timing)}, then every acknowledged operation is there`, async () => {
        const clients = await Promise.all(
          Array.from({ length: CLIENTS }, () =>
            KeyProtectClient.connect(server.url, ADMIN_KEY, server.defaultInstanceId),
          ),
        );
        let stopping = false;
        const loops = clients.map((c) => runClient(ledger, c, () => stopping));
        await killUnderLoad(timing);
        stopping = true;
        await Promise.all(loops);

        const started = Date.now();
        if (timing.at === 'at-start') await killDuringStart();
        if (timing.at === 'rebuild') await killDuringRebuild();
        server = await startServer(env, server.dataDir);
        const recoveryMs = Date.now() - started;
        await checker.follow(server.url);

        const checked = await ledger.check(checker);
        for (const chain of [server.defaultInstanceId, '_service']) {
          const verification = await checker.verify(chain);
          assert.equal(verification.valid, true, `${chain}: ${JSON.stringify(verification)}`);
        }
        const ids = (await checker.auditRecords(server.defaultInstanceId)).map((r) => r.requestId);
        assert.equal(new Set(ids).size, ids.length, 'no request has two audit records');
        const reconciliation = await checker.reconciliation();
        assert.deepEqual((reconciliation.body as { missing?: unknown }).missing, [], reconciliation.text);
        const reconciledAtStart = reconciledOnStart(server.output());

        // The key list the server kept equals one rebuilt from the events.
        await server.stop();
        const rebuilt = await rebuildReadModels(configFromEnv({ ...env, KEYLEDGER_DATA_DIR: server.dataDir }));
        assert.equal(rebuilt.keyList.changed, 0, `the key list differs from a rebuild: ${JSON.stringify(rebuilt)}`);
        server = await startServer(env, server.dataDir);
        await checker.follow(server.url);

        figures.push({ mode, timing: describeTiming(timing), checked, reconciledAtStart, recoveryMs });
      });
    });

    async function killUnderLoad(timing: KillTiming): Promise<void> {
      if (timing.at === 'under-load') {
        await acknowledged(ledger, timing.afterAcks);
      } else if (timing.at === 'group-commit') {
        await acknowledged(ledger, 20);
        const keys = [...ledger.wrapKeys.values()];
        const burst = Array.from({ length: 32 }, (_, i) => {
          const key = keys[i % keys.length];
          return i % 2 === 0 && key
            ? rotateAcked(ledger, checker, key)
            : createAcked(ledger, checker, ledger.lifecycleKeys);
        });
        await Promise.race(burst);
      } else {
        await acknowledged(ledger, 40);
      }
      await server.kill('SIGKILL');
    }

    /**
     * Starts the server on the data directory and kills it as soon as it holds the directory (its pid
     * in the lock's holder record, `data-dir.lock.holder`): it is opening the stores and the HSM,
     * bootstrapping or reconciling, not yet listening.
     */
    async function killDuringStart(): Promise<void> {
      const child = spawnServer(env, server.dataDir);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const holderFile = join(server.dataDir, 'data-dir.lock.holder');
      const deadline = Date.now() + 60_000;
      while (!existsSync(holderFile) || !readFileSync(holderFile, 'utf8').includes(`"pid":${child.pid},`)) {
        assert.ok(child.exitCode === null && Date.now() < deadline, `the server did not start: ${output}`);
        await sleep(2);
      }
      child.kill('SIGKILL');
      await exited;
      assert.doesNotMatch(output, /listening on/, 'killed before it listened');
    }

    async function killDuringRebuild(): Promise<void> {
      const rebuild = spawn(process.execPath, [KEYLEDGER_BIN, 'read-models', 'rebuild'], {
        cwd: ROOT,
        env: { ...process.env, ...env, KEYLEDGER_DATA_DIR: server.dataDir },
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        rebuild.once('exit', (_code, signal) => resolve(signal)),
      );
      const deadline = Date.now() + 60_000;
      while (!(await replaying())) {
        assert.ok(Date.now() < deadline, 'the rebuild did not start replaying within 60 s');
        await sleep(5);
      }
      rebuild.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL', 'the rebuild was killed before it finished');
      // The documented recovery: the server refuses to start until a rebuild has run to its end.
      await rebuildReadModels(configFromEnv({ ...env, KEYLEDGER_DATA_DIR: server.dataDir }));
    }

    /** Whether the rebuild's staging copy exists: it is replaying events into it. */
    async function replaying(): Promise<boolean> {
      if (mode === 'sqlite') return existsSync(join(server.dataDir, 'key-list-rebuild.db'));
      const client = localDynamoDbClient(env.KEYLEDGER_DYNAMODB_ENDPOINT ?? '');
      try {
        await client.send(new DescribeTableCommand({ TableName: `${env.KEYLEDGER_TABLE_PREFIX}-key-list-rebuild` }));
        return true;
      } catch {
        return false;
      } finally {
        client.destroy();
      }
    }
  });
}

/** How many records the start-up pass wrote, from the server's log line. */
function reconciledOnStart(output: string): number {
  const line = output.split('\n').find((l) => l.includes('audit records written from events'));
  const match = line ? /"records":(\d+)/.exec(line) : null;
  return match ? Number(match[1]) : 0;
}
