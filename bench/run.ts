import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleSizes } from './bundle-sizes.ts';
import { BENCH_KEY_RING, createKeys, scenarios, startKeyledger, wrapOnce, type RunningKeyledger } from './keyledger.ts';
import { load, sequential, type BenchRequest } from './load.ts';
import { parseOptions, type BenchOptions } from './options.ts';
import { procUsage, ROOT, round, runNode, spawnNode, startDynamoDbLocal } from './processes.ts';
import { profileScenario } from './profile.ts';
import {
  ceilingRps,
  commit,
  machine,
  toMarkdown,
  type BenchProfile,
  type BenchReport,
  type CeilingName,
  type CeilingResult,
  type HistoryResult,
  type ModeResult,
  type ScenarioResult,
  type Target,
} from './report.ts';

/**
 * `npm run bench`: keyledger's local server against its ceilings, on this machine, in one run.
 * See bench/README.md for what each figure means.
 */
const HSM_ROUTES = new Set(['wrap (given DEK)', 'wrap (generated DEK)', 'unwrap', 'rewrap']);
/** The routes with ratio targets (README "Performance"), measured `repeats` times at {@link targetConnections}. */
const TARGET_ROUTES = new Set(['wrap (given DEK)', 'unwrap']);
const targetConnections = (connections: readonly number[]): number =>
  connections.includes(16) ? 16 : (connections[connections.length - 1] ?? 1);
const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** The run with the median ratio (by rps where there is no ceiling). */
function medianRun(runs: readonly ScenarioResult[]): ScenarioResult {
  const sorted = [...runs].sort((x, y) => (x.ratio ?? x.rps) - (y.ratio ?? y.rps));
  return sorted[Math.floor((sorted.length - 1) / 2)] as ScenarioResult;
}
const LIST = 'list keys (limit=200)';
const WRAP = 'wrap (given DEK)';

/** Rates for create and rotate at 16 connections: twice what they reached before their appends were group-committed (340 and 260 req/s). */
const RATE_TARGETS: Record<string, number> = { 'create key': 680, rotate: 520 };

/** Serves traffic before the first measurement, so the server is measured warm, as a long-running one is. */
async function warmUp(o: BenchOptions, k: RunningKeyledger, requests: BenchRequest[] | undefined): Promise<void> {
  if (requests) await load(k.url, k.pid, requests, targetConnections(o.connections), o.serverWarmup, k.headers);
}

/**
 * GET /keys with Key Protect's sort, filter and search at scale, each timed request by request
 * (sequential: a slow query must not end in autocannon timeouts). `keyId` is a seeded key's id.
 */
function listings(keyId: string): Record<string, BenchRequest> {
  const get = (query: string, headers?: Record<string, string>): BenchRequest => ({
    method: 'GET',
    path: `/api/v2/keys?${query}`,
    ...(headers ? { headers } : {}),
  });
  return {
    'list sort=-lastUpdateDate': get('limit=200&sort=-lastUpdateDate'),
    'list sort=-creationDate,state': get('limit=200&sort=-creationDate%2Cstate'),
    'list sort=state,-creationDate': get('limit=200&sort=state%2C-creationDate'),
    'list filter creationDate, lastRotateDate=none': get(
      `limit=200&filter=${encodeURIComponent(' creationDate=gte:"2000-01-01T00:00:00Z" lastRotateDate=none')}`,
    ),
    // The other side of a filter's plan: no key matches, so the page is found only by reading them all.
    'list filter matching no key': get(
      `limit=200&filter=${encodeURIComponent('expirationDate=lt:"2000-01-01T00:00:00Z"')}`,
    ),
    'list search in a key ring': get('limit=200&search=seed-1%2C', { 'x-kms-key-ring': BENCH_KEY_RING }),
    'list search by key id (lookup)': get(`search=${keyId}%2C`),
  };
}

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const rssMB = (pid: number) => round((procUsage(pid)?.rssBytes ?? 0) / 1048576, 1);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

type CeilingVariant = CeilingResult['ceiling'];
/** The ceiling servers, up for the whole run so each keyledger figure can be paired with a ceiling measured right before it. */
type CeilingServers = Record<CeilingVariant, { url: string; pid: number; stop(): Promise<unknown> }>;
const CEILING_REQUEST: BenchRequest[] = [
  {
    method: 'POST',
    path: '/api/v2/keys/00000000-0000-4000-8000-000000000000/actions/wrap',
    body: JSON.stringify({ plaintext: Buffer.alloc(32, 7).toString('base64'), aad: ['tenant=bench'] }),
  },
];

async function startCeilings(scratch: string): Promise<CeilingServers> {
  const sessions = String(availableParallelism());
  const started: Partial<CeilingServers> = {};
  try {
    for (const [variant, mode] of [
      ['a', 'json'],
      ['b-async', 'pkcs11-async'],
      ['b-sync', 'pkcs11-sync'],
    ] as const) {
      const { child, match } = await spawnNode(
        'bench/ceiling-server.ts',
        [mode, join(scratch, `ceiling-${mode}`), sessions],
        {},
        /listening on (http:\/\/\S+)/,
      );
      started[variant] = { url: match[1] as string, pid: child.pid, stop: () => child.stop() };
    }
    return started as CeilingServers;
  } catch (error) {
    await Promise.all(Object.values(started).map((c) => c.stop()));
    throw error;
  }
}

async function measureCeilings(
  o: BenchOptions,
  scratch: string,
  servers: CeilingServers,
): Promise<BenchReport['ceilings']> {
  log('ceilings (c) and (d): raw GCM loops');
  const loops = JSON.parse(
    await runNode(
      'bench/crypto-loops.ts',
      [join(scratch, 'loops'), String(o.loopS), String(availableParallelism()), '16'],
      {},
    ),
  ) as BenchReport['ceilings']['loops'];
  const http: CeilingResult[] = [];
  for (const variant of ['a', 'b-async', 'b-sync'] as const) {
    const server = servers[variant];
    await load(server.url, server.pid, CEILING_REQUEST, 16, o.warmup);
    for (const c of o.connections) {
      const r = await load(server.url, server.pid, CEILING_REQUEST, c, o.run);
      log(`ceiling ${variant} @${c}: ${r.rps} req/s, p99 ${r.p99Ms} ms`);
      http.push({ ceiling: variant, ...r });
    }
  }
  return { http, loops };
}

/** Measures the ceiling bounding a route at `connections` again, right now: (b) in the variant that was faster in the first pass. */
async function pairedCeiling(
  o: BenchOptions,
  servers: CeilingServers,
  http: readonly CeilingResult[],
  which: CeilingName,
  connections: number,
): Promise<number> {
  let variant: CeilingVariant = 'a';
  if (which === 'b') {
    const at = (v: CeilingVariant) => http.find((c) => c.ceiling === v && c.connections === connections)?.rps ?? 0;
    variant = at('b-sync') > at('b-async') ? 'b-sync' : 'b-async';
  }
  const server = servers[variant];
  return (await load(server.url, server.pid, CEILING_REQUEST, connections, o.run)).rps;
}

/** Runs the named scenarios at every connection count, each after a short warm-up, with ratios to their ceilings. */
interface Ceilings {
  readonly servers: CeilingServers;
  readonly http: readonly CeilingResult[];
}

async function runScenarios(
  o: BenchOptions,
  k: RunningKeyledger,
  named: Record<string, BenchRequest[]>,
  order: readonly string[],
  ceilings: Ceilings,
  connections = o.connections,
): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const name of order) {
    const requests = named[name];
    if (!requests) continue;
    await load(k.url, k.pid, requests, Math.max(...connections), o.warmup, k.headers);
    for (const c of connections) {
      const ceiling: CeilingName | null = name === LIST ? null : HSM_ROUTES.has(name) ? 'b' : 'a';
      const runs: ScenarioResult[] = [];
      for (let i = TARGET_ROUTES.has(name) && c === targetConnections(o.connections) ? o.repeats : 1; i > 0; i -= 1) {
        // Routes that do one HSM operation are compared with ceiling (b) measured just before them:
        // on a shared machine the load changes from minute to minute, a ratio of neighbours less so.
        const paired =
          ceiling === 'b' ? await pairedCeiling(o, ceilings.servers, ceilings.http, ceiling, c) : undefined;
        const r = await load(k.url, k.pid, requests, c, o.run, k.headers);
        const bound = paired ?? (ceiling ? ceilingRps(ceilings.http, ceiling, c) : null);
        runs.push({
          scenario: name,
          ceiling,
          ceilingRps: bound,
          ceilingPaired: paired !== undefined,
          ratio: bound ? round(r.rps / bound, 3) : null,
          ...r,
        });
        log(
          `${name} @${c}: ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}, RSS ${r.serverRssMaxMB} MB, CPU ${r.serverCpuPct}%${bound ? `, ${pct(r.rps / bound)} of ${bound}` : ''}`,
        );
      }
      out.push(
        runs.length === 1
          ? (runs[0] as ScenarioResult)
          : {
              ...medianRun(runs),
              runs: runs.map((r) => ({ rps: r.rps, ceilingRps: r.ceilingRps, ratio: r.ratio, p99Ms: r.p99Ms })),
            },
      );
    }
  }
  return out;
}

async function measureMode(
  o: BenchOptions,
  store: 'sqlite' | 'dynamodb',
  scratch: string,
  ceilings: Ceilings,
): Promise<ModeResult> {
  let ddb: { endpoint: string; stop(): void } | undefined;
  const envFor = (prefix: string): Record<string, string> =>
    ddb
      ? { KEYLEDGER_STORE: 'dynamodb', KEYLEDGER_DYNAMODB_ENDPOINT: ddb.endpoint, KEYLEDGER_TABLE_PREFIX: prefix }
      : { KEYLEDGER_STORE: 'sqlite' };
  try {
    if (store === 'dynamodb') {
      const port = o.dynamodbPort ?? (await freePort());
      log(`starting DynamoDB Local on ${port}`);
      ddb = startDynamoDbLocal(port);
    }
    // Plain runs: a fresh data directory, keys created over the API.
    const dataDir = join(scratch, `${store}-plain`);
    mkdirSync(dataDir);
    const profile = store === 'sqlite' && o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
    const k = await startKeyledger(dataDir, envFor('plain'), profile);
    let scenarioResults: ScenarioResult[];
    let idleRssMB: number;
    try {
      log(`${store}: server up in ${k.startup.firstRequestMs} ms (first 200)`);
      idleRssMB = rssMB(k.pid);
      const keyIds = await createKeys(k, o.keys);
      const rotateIds = await createKeys(k, o.rotateKeys);
      const named = scenarios(keyIds, await wrapOnce(k, keyIds), rotateIds);
      await warmUp(o, k, named[WRAP]);
      scenarioResults = await runScenarios(
        o,
        k,
        named,
        [WRAP, 'wrap (generated DEK)', 'unwrap', 'rewrap', 'create key', 'rotate'],
        ceilings,
      );
    } finally {
      await k.stop();
    }

    // The cost of the seal interval: wrap with a checkpoint signed in every commit, before its responses leave.
    let sealEveryCommit: ScenarioResult | null = null;
    if (store === 'sqlite') {
      const sealDir = join(scratch, `${store}-seal-every-commit`);
      mkdirSync(sealDir);
      const s = await startKeyledger(sealDir, { ...envFor('seal'), KEYLEDGER_AUDIT_SEAL_INTERVAL_MS: '0' });
      try {
        const keyIds = await createKeys(s, o.keys);
        const named = scenarios(keyIds, await wrapOnce(s, keyIds), []);
        await warmUp(o, s, named[WRAP]);
        const [row] = await runScenarios(o, s, named, [WRAP], ceilings, [targetConnections(o.connections)]);
        sealEveryCommit = row ?? null;
      } finally {
        await s.stop();
      }
    }

    let scale: ModeResult['scale'] = null;
    if (o.scale) {
      const keys = o.scaleKeys[store];
      const scaleDir = join(scratch, `${store}-scale`);
      mkdirSync(scaleDir);
      const concurrency = store === 'sqlite' ? 512 : 64;
      log(`${store}: seeding ${keys} keys through the application layer`);
      const seedEnv = {
        KEYLEDGER_DATA_DIR: scaleDir,
        KEYLEDGER_ADMIN_API_KEY: 'bench-admin-api-key-0123456789abcdef',
        KEYLEDGER_LOG_LEVEL: 'ERROR',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        ...envFor('scale'),
      };
      const seed = JSON.parse(
        await runNode('bench/seed-keys.ts', [String(keys), String(concurrency), String(o.ringKeys[store])], seedEnv),
      ) as {
        createS: number;
        projectS: number;
        auditS: number;
        keyIds: string[];
        defaultInstanceId: string;
      };
      log(
        `${store}: seeded ${keys} keys in ${round(seed.createS, 1)} s + ${round(seed.projectS, 1)} s projection + ${round(seed.auditS, 1)} s audit records`,
      );
      let listingKeys = keys;
      if (store === 'dynamodb' && o.dynamodbListingKeys > keys) {
        const extra = o.dynamodbListingKeys - keys;
        const bulk = JSON.parse(
          await runNode(
            'bench/seed-key-list.ts',
            [String(extra), seed.defaultInstanceId, seed.keyIds[0] ?? ''],
            seedEnv,
          ),
        ) as { writeS: number };
        listingKeys += extra;
        log(`${store}: wrote ${extra} more key list rows in ${round(bulk.writeS, 1)} s`);
      }
      const s = await startKeyledger(scaleDir, envFor('scale'));
      try {
        const idle = rssMB(s.pid);
        const hot = seed.keyIds.slice(0, o.keys);
        const named: Record<string, BenchRequest[]> = {
          ...scenarios(hot, await wrapOnce(s, hot), []),
          [LIST]: [{ method: 'GET', path: '/api/v2/keys?limit=200' }],
        };
        await warmUp(o, s, named[WRAP]);
        const results = await runScenarios(o, s, named, [WRAP, 'unwrap'], ceilings);
        results.push(...(await runScenarios(o, s, named, [LIST], ceilings, o.connections.slice(0, 2))));
        for (const [name, request] of Object.entries(listings(seed.keyIds[0] ?? ''))) {
          const r = await sequential(s.url, s.pid, request, s.headers, o.quick ? 3 : 30, o.quick ? 1 : 8);
          log(`${name}: p50 ${r.p50Ms} ms, slowest ${r.p99Ms} ms over ${r.ok} requests, non-2xx ${r.non2xx}`);
          results.push({ scenario: name, ceiling: null, ceilingRps: null, ceilingPaired: false, ratio: null, ...r });
        }
        scale = {
          keys,
          listingKeys,
          seed: {
            createS: round(seed.createS, 2),
            projectS: round(seed.projectS, 2),
            auditS: round(seed.auditS, 2),
            keysPerS: Math.round(keys / seed.createS),
            concurrency,
          },
          startup: s.startup,
          scenarios: results,
          idleRssMB: idle,
          endRssMB: rssMB(s.pid),
        };
      } finally {
        await s.stop();
      }
    }
    let history: HistoryResult | null = null;
    const rotations = o.historyRotations[store];
    if (rotations > 0) {
      const historyDir = join(scratch, `${store}-history`);
      mkdirSync(historyDir);
      log(`${store}: rotating one key ${rotations} times through the application layer`);
      history = JSON.parse(
        await runNode('bench/long-history.ts', [String(rotations)], {
          KEYLEDGER_DATA_DIR: historyDir,
          KEYLEDGER_ADMIN_API_KEY: 'bench-admin-api-key-0123456789abcdef',
          KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
          KEYLEDGER_LOG_LEVEL: 'ERROR',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          ...envFor('history'),
        }),
      ) as HistoryResult;
      log(`${store}: ${rotations} rotations in ${history.rotateAllS} s; then ${JSON.stringify(history.afterRestart)}`);
    }
    return {
      store,
      keys: o.keys,
      startup: k.startup,
      scenarios: scenarioResults,
      idleRssMB,
      sealEveryCommit,
      scale,
      history,
    };
  } finally {
    ddb?.stop();
  }
}

function targets(r: Omit<BenchReport, 'targets'>, connections: readonly number[]): Target[] {
  const t: Target[] = [];
  const mid = targetConnections(connections);
  const sqlite = r.modes.find((m) => m.store === 'sqlite');
  if (!sqlite) return t;
  const at = (rows: readonly ScenarioResult[] | undefined, name: string, c: number) =>
    rows?.find((s) => s.scenario === name && s.connections === c);
  for (const name of [WRAP, 'unwrap']) {
    const s = at(sqlite.scenarios, name, mid);
    if (!s) continue;
    t.push({
      name: `${name} @${mid}, share of ceiling (b)`,
      goal: '>= 40%',
      measured: `${Math.round((s.ratio ?? 0) * 100)}% (${s.rps} of ${s.ceilingRps} req/s)`,
      met: (s.ratio ?? 0) >= 0.4,
    });
    t.push({ name: `${name} @${mid}, p99`, goal: '< 10 ms', measured: `${s.p99Ms} ms`, met: s.p99Ms < 10 });
  }
  const single = at(sqlite.scenarios, WRAP, 1);
  if (single)
    t.push({
      name: `${WRAP} @1, p50 (audit record durable)`,
      goal: '<= 1 ms',
      measured: `${single.p50Ms} ms`,
      met: single.p50Ms <= 1,
    });
  for (const [name, goal] of Object.entries(RATE_TARGETS)) {
    const s = at(sqlite.scenarios, name, mid);
    if (s)
      t.push({ name: `${name} @${mid}`, goal: `>= ${goal} req/s`, measured: `${s.rps} req/s`, met: s.rps >= goal });
  }
  const sealed = sqlite.sealEveryCommit;
  const byTime = at(sqlite.scenarios, WRAP, mid);
  if (sealed && byTime)
    t.push({
      name: `${WRAP} @${mid}: seal interval 0 (every commit) vs 100 ms`,
      goal: 'reported',
      measured: `${sealed.rps} vs ${byTime.rps} req/s, p99 ${sealed.p99Ms} vs ${byTime.p99Ms} ms`,
      met: null,
    });
  const scale = sqlite.scale;
  if (scale) {
    const base = at(sqlite.scenarios, WRAP, mid);
    const big = at(scale.scenarios, WRAP, mid);
    if (base && big)
      t.push({
        name: `wrap @${mid} with ${scale.keys} keys vs ${sqlite.keys} keys`,
        goal: 'within 10%',
        measured: `${Math.round((big.rps / base.rps) * 100)}% (${big.rps} vs ${base.rps} req/s)`,
        met: big.rps >= 0.9 * base.rps,
      });
    const rss = Math.max(scale.endRssMB, ...scale.scenarios.map((s) => s.serverRssMaxMB));
    t.push({ name: `server RSS with ${scale.keys} keys`, goal: '< 400 MB', measured: `${rss} MB`, met: rss < 400 });
    for (const c of connections.slice(0, 2)) {
      const list = at(scale.scenarios, LIST, c);
      if (list)
        t.push({
          name: `GET /keys?limit=200 @${c} with ${scale.keys} keys, p99`,
          goal: '< 50 ms',
          measured: `${list.p99Ms} ms`,
          met: list.p99Ms < 50,
        });
    }
    t.push({
      name: `first request after start, ${scale.keys} keys`,
      goal: '< 1000 ms',
      measured: `${scale.startup.firstRequestMs} ms`,
      met: scale.startup.firstRequestMs < 1000,
    });
  }
  t.push({
    name: 'first request after start, fresh data dir',
    goal: '< 1000 ms',
    measured: `${sqlite.startup.firstRequestMs} ms`,
    met: sqlite.startup.firstRequestMs < 1000,
  });
  const largest = r.bundles.reduce((a, b) => (b.bytes > a ? b.bytes : a), 0);
  if (r.bundles.length)
    t.push({
      name: 'Lambda bundles',
      goal: 'reported',
      measured: `${r.bundles.length} bundles, largest ${Math.round(largest / 1024)} KiB`,
      met: null,
    });
  return t;
}

/** Profiles wrap at the target connection count on a SQLite server of its own (bench/profile.ts). */
async function profileWrap(o: BenchOptions): Promise<BenchProfile> {
  const connections = targetConnections(o.connections);
  log(`profiling ${WRAP} @${connections}`);
  const { load: r, summary } = await profileScenario(WRAP, connections, o.profile, {}, undefined, o.warmup);
  return {
    scenario: WRAP,
    connections,
    rps: r.rps,
    p99Ms: r.p99Ms,
    cpuUsPerRequest: r.serverCpuUsPerRequest,
    eventLoopUsPerRequest: r.mainThreadCpuUsPerRequest,
    keyledgerUsPerRequest: round(summary.keyledgerUsPerRequest, 1),
    idleShare: round(summary.idleShare, 3),
    parts: summary.parts,
    text: summary.text,
  };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const started = new Date();
  const t0 = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'keyledger-bench-'));
  const m = machine();
  try {
    log(`${o.quick ? 'quick mode' : 'full run'} on ${m.cpuModel} x${m.cores}, scratch ${scratch}`);
    const servers = await startCeilings(scratch);
    let ceilings: BenchReport['ceilings'];
    const modes: ModeResult[] = [];
    try {
      ceilings = await measureCeilings(o, scratch, servers);
      for (const store of o.modes) modes.push(await measureMode(o, store, scratch, { servers, http: ceilings.http }));
    } finally {
      await Promise.all(Object.values(servers).map((c) => c.stop()));
    }
    const profile = o.modes.includes('sqlite') ? await profileWrap(o) : null;
    const bundles = o.bundles ? await bundleSizes() : [];
    const partial = {
      schema: 'keyledger-bench/1' as const,
      quick: o.quick,
      startedAt: started.toISOString(),
      elapsedS: round((performance.now() - t0) / 1000, 1),
      machine: m,
      commit: commit(),
      settings: {
        durationS: 'durationS' in o.run ? o.run.durationS : null,
        requestsPerRun: 'requests' in o.run ? o.run.requests : null,
        connections: o.connections,
        repeats: o.repeats,
        keys: o.keys,
        scaleKeys: o.scaleKeys,
      },
      ceilings,
      modes,
      profile,
      bundles,
    };
    const report: BenchReport = { ...partial, targets: targets(partial, o.connections) };
    const outDir = o.outDir ?? (o.quick ? join(tmpdir(), 'keyledger-bench-quick') : join(ROOT, 'bench/results'));
    mkdirSync(outDir, { recursive: true });
    const stamp = started.toISOString().replace(/[:.]/g, '-');
    const markdown = toMarkdown(report);
    writeFileSync(join(outDir, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, `${stamp}.md`), markdown);
    writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(outDir, 'latest.md'), markdown);
    console.log(`\n${markdown}`);
    log(`results: ${join(outDir, `${stamp}.json`)} and .md (also latest.json, latest.md)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
