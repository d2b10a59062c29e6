/**
 * Request count and latency by operation and outcome (like Key Protect's operational
 * metrics). Every handler's `finish` observes each request once:
 * - in-process counters and latency histograms, rendered in Prometheus text format by the local
 *   server's `GET /metrics`;
 * - on Lambda, also Powertools Metrics (CloudWatch EMF) with dimensions operation and outcome,
 *   namespace `keyledger`.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ON_LAMBDA } from './logger.ts';

/** Upper bounds of the latency histogram, in seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  readonly operation: string;
  readonly outcome: string;
  count: number;
  sum: number;
  /** Observations per bucket: index i counts those above BUCKETS[i-1] up to BUCKETS[i] (the last: above all). */
  readonly buckets: number[];
}

const series = new Map<string, Series>();
const emf = ON_LAMBDA
  ? new Metrics({ namespace: process.env.KEYLEDGER_METRICS_NAMESPACE ?? 'keyledger', serviceName: 'keyledger' })
  : undefined;

/** Counts one request of `operation` that ended in `outcome` after `seconds`. */
export function observeRequest(operation: string, outcome: string, seconds: number): void {
  const key = `${operation}\u0000${outcome}`;
  let s = series.get(key);
  if (!s) {
    s = { operation, outcome, count: 0, sum: 0, buckets: [...BUCKETS.map(() => 0), 0] };
    series.set(key, s);
  }
  s.count += 1;
  s.sum += seconds;
  let i = 0;
  while (i < BUCKETS.length && seconds > (BUCKETS[i] ?? Infinity)) i += 1;
  s.buckets[i] = (s.buckets[i] ?? 0) + 1;
  if (emf) {
    // Synchronous, so concurrent requests (none on Lambda, but still) never mix their dimensions.
    emf.addDimensions({ operation, outcome });
    emf.addMetric('Requests', MetricUnit.Count, 1);
    emf.addMetric('Latency', MetricUnit.Milliseconds, seconds * 1000);
    emf.publishStoredMetrics();
  }
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
    lines.push(`keyledger_requests_total{operation="${escape(s.operation)}",outcome="${s.outcome}"} ${s.count}`);
  lines.push(
    '# HELP keyledger_request_duration_seconds Request latency, from receipt to the response (audit record included).',
  );
  lines.push('# TYPE keyledger_request_duration_seconds histogram');
  for (const s of sorted) {
    const labels = `operation="${escape(s.operation)}",outcome="${s.outcome}"`;
    let cumulative = 0;
    BUCKETS.forEach((bound, i) => {
      cumulative += s.buckets[i] ?? 0;
      lines.push(`keyledger_request_duration_seconds_bucket{${labels},le="${bound}"} ${cumulative}`);
    });
    lines.push(`keyledger_request_duration_seconds_bucket{${labels},le="+Inf"} ${s.count}`);
    lines.push(`keyledger_request_duration_seconds_sum{${labels}} ${s.sum}`);
    lines.push(`keyledger_request_duration_seconds_count{${labels}} ${s.count}`);
  }
  return `${lines.join('\n')}\n`;
}
