import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRequest } from './load.ts';
import { ROOT, spawnNode, type Child } from './processes.ts';
import { tokenFor } from '../test/support/local-server.ts';

const ADMIN_API_KEY = 'bench-admin-api-key-0123456789abcdef';
/** The key ring the scale runs' seed puts its first keys in (bench/seed-keys.ts). */
export const BENCH_KEY_RING = 'bench-ring';
const KEY_BODY = (name: string) =>
  JSON.stringify({
    metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
    resources: [{ type: 'application/vnd.ibm.kms.key+json', name, extractable: false }],
  });
/** A 256-bit DEK, base64: the body of "wrap (given DEK)". */
const DEK = Buffer.alloc(32, 7).toString('base64');
const AAD = ['tenant=bench'];

export interface RunningKeyledger {
  readonly url: string;
  readonly pid: number;
  readonly instanceId: string;
  /** Spawn to the `listening on` line, and to the first 200 from GET /health. */
  readonly startup: { listeningMs: number; firstRequestMs: number };
  readonly headers: Record<string, string>;
  stop(): Promise<void>;
}

/** Checkouts whose server bundle this harness run has built. */
const built = new Set<string>();

/**
 * Starts the server as `npm start` runs it (the bundle of scripts/build-server.mjs, built once per
 * harness run, before the clock starts) on `dataDir` (PORT=0) and obtains an administrator token.
 * `root` is the checkout to run (another one: bench/ab.ts comparing two versions).
 */
export async function startKeyledger(
  dataDir: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
  root: string = ROOT,
): Promise<RunningKeyledger> {
  if (!built.has(root)) {
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: root, stdio: 'inherit' });
    built.add(root);
  }
  const t0 = performance.now();
  const { child, match, readyMs } = await spawnNode(
    join(root, '.cache/server/main.mjs'),
    [],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      KEYLEDGER_DATA_DIR: dataDir,
      KEYLEDGER_ADMIN_API_KEY: ADMIN_API_KEY,
      KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
      KEYLEDGER_LOG_LEVEL: 'ERROR',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...env,
    },
    /listening on (http:\/\/\S+)/,
    { nodeArgs: ['--enable-source-maps', ...nodeArgs], tsx: false },
  );
  const url = match[1] as string;
  let firstRequestMs: number;
  let instanceId: string;
  let token: string;
  try {
    for (;;) {
      const res = await fetch(`${url}/health`).catch(() => null);
      if (res?.status === 200) {
        await res.arrayBuffer();
        break;
      }
    }
    firstRequestMs = performance.now() - t0;
    instanceId = readFileSync(join(dataDir, 'default-instance'), 'utf8').trim();
    token = await tokenFor(url, ADMIN_API_KEY);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    url,
    pid: child.pid,
    instanceId,
    startup: { listeningMs: Math.round(readyMs), firstRequestMs: Math.round(firstRequestMs) },
    headers: { authorization: `Bearer ${token}`, 'bluemix-instance': instanceId },
    stop: () => stopChild(child),
  };
}

async function stopChild(child: Child): Promise<void> {
  const code = await child.stop();
  if (code !== 0) console.error(`keyledger server exited with ${code}:\n${child.output().slice(-2000)}`);
}

async function call(
  k: RunningKeyledger,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${k.url}${path}`, {
    method,
    headers: { ...k.headers, 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Creates `count` root keys over the API, `parallel` at a time; returns their ids. */
export async function createKeys(k: RunningKeyledger, count: number, parallel = 8): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        const { status, json } = await call(k, 'POST', '/api/v2/keys', KEY_BODY(`bench-${i}`));
        if (status !== 201) throw new Error(`create key: ${status} ${JSON.stringify(json)}`);
        ids[i] = (json as { resources: Array<{ id: string }> }).resources[0]?.id ?? '';
      }
    }),
  );
  return ids;
}

/** A ciphertext of DEK under each key (for unwrap and rewrap). */
export async function wrapOnce(k: RunningKeyledger, keyIds: readonly string[]): Promise<string[]> {
  return Promise.all(
    keyIds.map(async (id) => {
      const { status, json } = await call(
        k,
        'POST',
        `/api/v2/keys/${id}/actions/wrap`,
        JSON.stringify({ plaintext: DEK, aad: AAD }),
      );
      if (status !== 200) throw new Error(`wrap: ${status} ${JSON.stringify(json)}`);
      return (json as { ciphertext: string }).ciphertext;
    }),
  );
}

/** The HTTP scenarios, by name, for a set of keys and their ciphertexts. */
export function scenarios(
  keyIds: readonly string[],
  ciphertexts: readonly string[],
  rotateIds: readonly string[],
): Record<string, BenchRequest[]> {
  const action = (id: string, name: string, body: unknown): BenchRequest => ({
    method: 'POST',
    path: `/api/v2/keys/${id}/actions/${name}`,
    body: JSON.stringify(body),
  });
  return {
    'wrap (given DEK)': keyIds.map((id) => action(id, 'wrap', { plaintext: DEK, aad: AAD })),
    'wrap (generated DEK)': keyIds.map((id) => action(id, 'wrap', { aad: AAD })),
    unwrap: keyIds.map((id, i) => action(id, 'unwrap', { ciphertext: ciphertexts[i], aad: AAD })),
    rewrap: keyIds.map((id, i) => action(id, 'rewrap', { ciphertext: ciphertexts[i], aad: AAD })),
    'create key': [{ method: 'POST', path: '/api/v2/keys', body: KEY_BODY('bench-created') }],
    rotate: rotateIds.map((id) => action(id, 'rotate', {})),
  };
}
