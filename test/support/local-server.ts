import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real local server process (the bundle `npm start` runs, of `server/main.ts`) on a free port and a fresh data directory. */
export interface ServerProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly adminApiKey: string;
  readonly defaultInstanceId: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The server's process id. */
  readonly pid: number;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  /** Sends `signal` (SIGKILL: a crash; nothing is flushed) and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops and starts again on the same data directory. */
  restart(): Promise<ServerProcess>;
  /** Stops and deletes the data directory. */
  dispose(): Promise<void>;
}

const ROOT = new URL('../..', import.meta.url).pathname;

/** The two local modes (docs/decisions/0005-local-server-runs-lambda-handlers.md): the embedded SQLite store, and DynamoDB Local with the Streams poller. */
export type StoreMode = 'sqlite' | 'dynamodb';
export const STORE_MODES: readonly StoreMode[] = ['sqlite', 'dynamodb'];

/**
 * The environment that starts the server in `mode`. DynamoDB mode uses the test run's DynamoDB Local
 * (KEYLEDGER_TEST_DYNAMODB_ENDPOINT, started by scripts/test.sh) with a table prefix of its own, so
 * servers never share tables; pass the same env to a restart (startServer does) to keep them.
 * Usage: `startServer({ ...storeEnv(mode), KEYLEDGER_ADMIN_API_KEY: ... })`.
 */
export function storeEnv(mode: StoreMode): Record<string, string> {
  if (mode === 'sqlite') return { KEYLEDGER_STORE: 'sqlite' };
  const endpoint = process.env.KEYLEDGER_TEST_DYNAMODB_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      'KEYLEDGER_TEST_DYNAMODB_ENDPOINT is not set: run with `npm test`, or start one with `bash scripts/dynamodb-local.sh PORT`',
    );
  }
  return {
    KEYLEDGER_STORE: 'dynamodb',
    KEYLEDGER_DYNAMODB_ENDPOINT: endpoint,
    KEYLEDGER_TABLE_PREFIX: `e2e-${process.pid}-${randomBytes(4).toString('hex')}`,
  };
}

/**
 * The server as `npm start` runs it: the esbuild bundle of scripts/build-server.mjs, built from the
 * working tree once per test process into a directory of its own (test files run in parallel, and a
 * shared bundle could be stale or half-written), removed when the process exits.
 */
let bundle: string | undefined;
function serverBundle(): string {
  if (bundle === undefined) {
    const dir = join(ROOT, '.cache', `test-server-${process.pid}`);
    execFileSync(process.execPath, ['scripts/build-server.mjs', dir], { cwd: ROOT, stdio: 'inherit' });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    bundle = join(dir, 'main.mjs');
  }
  return bundle;
}

/**
 * Spawns the server on `dataDir` without waiting for it (the crash suite kills one while it starts);
 * use {@link startServer} to get a running one.
 */
export function spawnServer(env: Record<string, string>, dataDir: string): ChildProcess {
  return spawn(process.execPath, ['--enable-source-maps', serverBundle()], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KEYLEDGER_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startServer(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'keyledger-e2e-')),
): Promise<ServerProcess> {
  let log = '';
  const child = spawnServer(env, dataDir);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never came up must not outlive the test (its pipes would keep the test process alive).
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 90 s:\n${log}`));
    }, 90_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(log);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  const server: ServerProcess = {
    url,
    dataDir,
    adminApiKey: env.KEYLEDGER_ADMIN_API_KEY ?? readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim(),
    defaultInstanceId: readFileSync(join(dataDir, 'default-instance'), 'utf8').trim(),
    pid: child.pid ?? 0,
    output: () => log,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async restart() {
      await server.stop();
      return startServer(env, dataDir);
    },
    async dispose() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** An access token for `apiKey` from the server's IAM-compatible token endpoint. */
export async function tokenFor(url: string, apiKey: string): Promise<string> {
  const res = await fetch(`${url}/identity/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey }),
  });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
