import autocannon from 'autocannon';
import { parsePrometheus } from '../console/src/prometheus.ts';
import { round, sampleProcess } from './processes.ts';

/** One HTTP request of a scenario; a scenario cycles through its requests, shared by all connections. */
export interface BenchRequest {
  readonly method: 'GET' | 'POST' | 'HEAD';
  readonly path: string;
  readonly body?: string | undefined;
  /** Besides the scenario's own (authorization, bluemix-instance). */
  readonly headers?: Record<string, string> | undefined;
}

export interface LoadResult {
  readonly connections: number;
  readonly durationS: number;
  /** Requests answered 2xx. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  /** 2xx answers per second. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Peak resident set size of the server process during the run. */
  readonly serverRssMaxMB: number;
  /** Server CPU use during the run (100 = one core busy). */
  readonly serverCpuPct: number;
  /**
   * Server CPU per answered request, in µs: all threads, and the main thread (the event loop) alone.
   * Unlike req/s these hardly move with the machine's other load, so they decide A/B comparisons.
   */
  readonly serverCpuUsPerRequest: number;
  readonly mainThreadCpuUsPerRequest: number;
  /**
   * The server's waits for an fsync of its SQLite log during the run (`keyledger_sqlite_log_sync_seconds`
   * on /metrics): how many, and the upper bounds (ms) of the histogram buckets holding the median and the
   * 99th percentile. Null where there were none (DynamoDB, the ceilings).
   */
  readonly logSync: LogSyncs | null;
}

export interface LogSyncs {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Cumulative counts of the log-sync histogram by upper bound (s), as /metrics shows them now; empty if none. */
async function logSyncBuckets(url: string): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  try {
    for (const { name, labels, value } of parsePrometheus(await (await fetch(`${url}/metrics`)).text()))
      if (name === 'keyledger_sqlite_log_sync_seconds_bucket' && labels.le !== undefined)
        buckets.set(labels.le === '+Inf' ? Infinity : Number(labels.le), value);
  } catch {
    // A server without /metrics (the ceilings answer anything with their JSON; this is for one that fails).
  }
  return buckets;
}

/** The waits between two readings of the histogram: count and the bucket bounds of p50 and p99. */
function logSyncsBetween(before: Map<number, number>, after: Map<number, number>): LogSyncs | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const during = bounds.map((le) => ({ le, count: (after.get(le) ?? 0) - (before.get(le) ?? 0) }));
  const count = during.at(-1)?.count ?? 0;
  if (count <= 0) return null;
  const bound = (q: number): number => {
    const le = during.find((b) => b.count >= q * count)?.le ?? Infinity;
    return le === Infinity ? Infinity : round(le * 1000, 1);
  };
  return { count, p50Ms: bound(0.5), p99Ms: bound(0.99) };
}

/**
 * How long one run lasts: a duration (a measurement), or a number of requests (the quick smoke mode,
 * which must see every route answer however slow the machine is at the moment).
 */
export type RunLength = { readonly durationS: number } | { readonly requests: number };

/**
 * Drives `url` with autocannon at `connections` for `length`, cycling through `requests` in one
 * global order (so concurrent connections spread over keys instead of moving in lockstep), while
 * sampling the server process `pid`.
 */
export async function load(
  url: string,
  pid: number,
  requests: readonly BenchRequest[],
  connections: number,
  length: RunLength,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  if (requests.length === 0) throw new Error('a scenario needs at least one request');
  let next = 0;
  const syncsBefore = await logSyncBuckets(url);
  const sampler = sampleProcess(pid);
  const result = await autocannon({
    url,
    connections,
    ...('requests' in length ? { amount: Math.max(length.requests, connections) } : { duration: length.durationS }),
    headers: { 'content-type': 'application/json', ...headers },
    requests: [
      {
        setupRequest: (req) => {
          const r = requests[next++ % requests.length] as BenchRequest;
          return {
            ...req,
            method: r.method,
            path: r.path,
            body: r.body ?? '',
            headers: { ...req.headers, ...r.headers },
          };
        },
      },
    ],
  });
  const usage = sampler.stop();
  const logSync = logSyncsBetween(syncsBefore, await logSyncBuckets(url));
  const ok = result['2xx'];
  const answered = ok + result.non2xx;
  const perRequest = (cpuS: number): number => (answered > 0 ? round((cpuS * 1e6) / answered, 0) : 0);
  return {
    connections,
    durationS: round(result.duration, 2),
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rps: round(ok / result.duration, 0),
    p50Ms: round(result.latency.p50, 2),
    p99Ms: round(result.latency.p99, 2),
    serverRssMaxMB: usage.rssMaxMB,
    serverCpuPct: usage.cpuPct,
    serverCpuUsPerRequest: perRequest(usage.cpuS),
    mainThreadCpuUsPerRequest: perRequest(usage.mainThreadCpuS),
    logSync,
  };
}

/**
 * One request after the other, at most `maxRequests` and for at most `maxS` seconds (a request that
 * starts before the time is up still counts): the latency of a query that may be slow, where
 * autocannon's fixed duration would end in timeouts. p99 is the slowest of few requests.
 */
export async function sequential(
  url: string,
  pid: number,
  request: BenchRequest,
  headers: Record<string, string>,
  maxRequests = 30,
  maxS = 8,
): Promise<LoadResult> {
  const sampler = sampleProcess(pid);
  const times: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const t0 = performance.now();
  while (times.length + non2xx + errors < maxRequests && performance.now() - t0 < maxS * 1000) {
    const start = performance.now();
    try {
      const res = await fetch(`${url}${request.path}`, {
        method: request.method,
        headers: { ...headers, ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      await res.arrayBuffer();
      if (res.status >= 200 && res.status < 300) times.push(performance.now() - start);
      else non2xx += 1;
    } catch {
      errors += 1;
    }
  }
  const durationS = (performance.now() - t0) / 1000;
  const usage = sampler.stop();
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return {
    connections: 1,
    durationS: round(durationS, 2),
    ok: times.length,
    non2xx,
    errors,
    rps: round(times.length / durationS, 1),
    p50Ms: round(at(0.5), 2),
    p99Ms: round(at(0.99), 2),
    serverRssMaxMB: usage.rssMaxMB,
    serverCpuPct: usage.cpuPct,
    serverCpuUsPerRequest: times.length + non2xx ? round((usage.cpuS * 1e6) / (times.length + non2xx), 0) : 0,
    mainThreadCpuUsPerRequest:
      times.length + non2xx ? round((usage.mainThreadCpuS * 1e6) / (times.length + non2xx), 0) : 0,
    logSync: null,
  };
}
