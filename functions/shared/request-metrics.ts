/**
 * Request count and latency by operation and outcome (like Key Protect's operational
 * metrics). Every handler's `finish` observes each request once:
 * - in-process counters and latency histograms, rendered in Prometheus text format by the local
 *   server's `GET /metrics`;
 * - on Lambda, also Powertools Metrics (CloudWatch EMF) with dimensions operation and outcome,
 *   namespace `keyledger`.
 * The local server in SQLite mode also times its waits for the log's fsync, which bound its rate when
 * the disk is slow (README, Performance).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ON_LAMBDA } from './logger.ts';

/** Upper bounds of the latency histogram, in seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A latency histogram: count, sum, and observations per bucket of {@link BUCKETS}. */
class Histogram {
  count = 0;
  sum = 0;
  /** Observations per bucket: index i counts those above BUCKETS[i-1] up to BUCKETS[i] (the last: above all). */
  private readonly buckets: number[] = [...BUCKETS.map(() => 0), 0];

  observe(seconds: number): void {
    this.count += 1;
    this.sum += seconds;
    let i = 0;
    while (i < BUCKETS.length && seconds > (BUCKETS[i] ?? Infinity)) i += 1;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
  }

  /** Its `_bucket` (cumulative), `_sum` and `_count` lines for the metric `name`, with `labels` (may be empty). */
  lines(name: string, labels: string): string[] {
    const out: string[] = [];
    const prefix = labels ? `${labels},` : '';
    const braces = labels ? `{${labels}}` : '';
    let cumulative = 0;
    BUCKETS.forEach((bound, i) => {
      cumulative += this.buckets[i] ?? 0;
      out.push(`${name}_bucket{${prefix}le="${bound}"} ${cumulative}`);
    });
    out.push(`${name}_bucket{${prefix}le="+Inf"} ${this.count}`);
    out.push(`${name}_sum${braces} ${this.sum}`);
    out.push(`${name}_count${braces} ${this.count}`);
    return out;
  }
}

interface Series {
  readonly operation: string;
  readonly outcome: string;
  readonly latency: Histogram;
}

const series = new Map<string, Series>();
/** Waits for an fsync of the SQLite write-ahead log (events/store/sqlite/wal-sync.ts), local server only. */
const logSyncs = new Histogram();
const emf = ON_LAMBDA
  ? new Metrics({ namespace: process.env.KEYLEDGER_METRICS_NAMESPACE ?? 'keyledger', serviceName: 'keyledger' })
  : undefined;

/** Counts one request of `operation` that ended in `outcome` after `seconds`. */
export function observeRequest(operation: string, outcome: string, seconds: number): void {
  const key = `${operation}\u0000${outcome}`;
  let s = series.get(key);
  if (!s) {
    s = { operation, outcome, latency: new Histogram() };
    series.set(key, s);
  }
  s.latency.observe(seconds);
  if (emf) {
    // Synchronous, so concurrent requests (none on Lambda, but still) never mix their dimensions.
    emf.addDimensions({ operation, outcome });
    emf.addMetric('Requests', MetricUnit.Count, 1);
    emf.addMetric('Latency', MetricUnit.Milliseconds, seconds * 1000);
    emf.publishStoredMetrics();
  }
}

/**
 * Counts one wait for an fsync of the SQLite log: from the commit asking for it until it is on disk, as
 * the callers told "done" after it wait (queue and thread-pool round trip included).
 */
export function observeLogSync(seconds: number): void {
  logSyncs.observe(seconds);
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The Prometheus text exposition (version 0.0.4) of every series observed in this process. */
export function renderPrometheus(): string {
  const lines = [
    '# HELP keyledger_requests_total Requests by operation and outcome (success, denied, failed).',
    '# TYPE keyledger_requests_total counter',
  ];
  const sorted = [...series.values()].sort(
    (a, b) => a.operation.localeCompare(b.operation) || a.outcome.localeCompare(b.outcome),
  );
  for (const s of sorted)
    lines.push(
      `keyledger_requests_total{operation="${escape(s.operation)}",outcome="${s.outcome}"} ${s.latency.count}`,
    );
  lines.push(
    '# HELP keyledger_request_duration_seconds Request latency, from receipt to the response (audit record included).',
  );
  lines.push('# TYPE keyledger_request_duration_seconds histogram');
  for (const s of sorted)
    lines.push(
      ...s.latency.lines(
        'keyledger_request_duration_seconds',
        `operation="${escape(s.operation)}",outcome="${s.outcome}"`,
      ),
    );
  if (logSyncs.count > 0) {
    lines.push(
      '# HELP keyledger_sqlite_log_sync_seconds Waits for an fsync of the SQLite write-ahead log, which every durable write is answered after.',
    );
    lines.push('# TYPE keyledger_sqlite_log_sync_seconds histogram');
    lines.push(...logSyncs.lines('keyledger_sqlite_log_sync_seconds', ''));
  }
  return `${lines.join('\n')}\n`;
}
