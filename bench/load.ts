import autocannon from 'autocannon';
import { round, sampleProcess } from './processes.ts';

/** One HTTP request of a scenario; a scenario cycles through its requests, shared by all connections. */
export interface BenchRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string | undefined;
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
          return { ...req, method: r.method, path: r.path, body: r.body ?? '' };
        },
      },
    ],
  });
  const usage = sampler.stop();
  const ok = result['2xx'];
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
  };
}
