import type { App } from '../app.ts';
import { lineChart } from '../charts.ts';
import { h, replace, table } from '../dom.ts';
import { parsePrometheus } from '../prometheus.ts';

const INTERVAL_MS = 2000;
const POINTS = 60;

/** One scrape of /metrics, summed over what the charts need. */
interface Scrape {
  readonly at: number;
  /** Requests by outcome. */
  readonly requests: Record<string, number>;
  /** Latency histogram over every operation: upper bound (s) -> cumulative count; plus sum and count. */
  readonly buckets: Map<number, number>;
  readonly sum: number;
  readonly count: number;
  /** Per operation: requests, latency sum, and requests that were not successes. */
  readonly operations: Map<string, { requests: number; sum: number; notOk: number }>;
}

function scrape(text: string): Scrape {
  const requests: Record<string, number> = {};
  const buckets = new Map<number, number>();
  const operations = new Map<string, { requests: number; sum: number; notOk: number }>();
  const op = (name: string) => {
    let o = operations.get(name);
    if (!o) operations.set(name, (o = { requests: 0, sum: 0, notOk: 0 }));
    return o;
  };
  let sum = 0;
  let count = 0;
  for (const { name, labels, value } of parsePrometheus(text)) {
    switch (name) {
      case 'keyledger_requests_total': {
        const outcome = labels.outcome ?? 'unknown';
        requests[outcome] = (requests[outcome] ?? 0) + value;
        const o = op(labels.operation ?? '');
        o.requests += value;
        if (outcome !== 'success') o.notOk += value;
        break;
      }
      case 'keyledger_request_duration_seconds_bucket': {
        const bound = Number(labels.le === '+Inf' ? Infinity : labels.le);
        buckets.set(bound, (buckets.get(bound) ?? 0) + value);
        break;
      }
      case 'keyledger_request_duration_seconds_sum':
        sum += value;
        op(labels.operation ?? '').sum += value;
        break;
      case 'keyledger_request_duration_seconds_count':
        count += value;
        break;
      default:
    }
  }
  return { at: Date.now(), requests, buckets, sum, count, operations };
}

/** The latency under which `q` of the requests between two scrapes finished (histogram buckets, upper bound). */
function quantile(before: Scrape, after: Scrape, q: number): number | null {
  const total = after.count - before.count;
  if (total <= 0) return null;
  const bounds = [...after.buckets.keys()].sort((a, b) => a - b);
  for (const bound of bounds) {
    const within = (after.buckets.get(bound) ?? 0) - (before.buckets.get(bound) ?? 0);
    if (within >= q * total) return Number.isFinite(bound) ? bound : (bounds[bounds.length - 2] ?? 0);
  }
  return null;
}

const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/**
 * Request rates and latency, from the local server's /metrics (Prometheus text, no token needed),
 * polled every 2 seconds while the page is open. On AWS the figures go to CloudWatch instead.
 */
export function metricsPage(app: App): void {
  const charts = h('div', { class: 'charts' });
  const perOperation = h('div');
  app.show(
    h('h1', {}, 'Metrics'),
    h('p', {}, 'Requests of every instance, as this server counts them (GET /metrics), every 2 seconds.'),
    charts,
    h('h2', {}, 'By operation, since the server started'),
    perOperation,
  );
  const rate: (number | null)[] = [];
  const refused: (number | null)[] = [];
  const mean: (number | null)[] = [];
  const p95: (number | null)[] = [];
  let previous: Scrape | undefined;
  let stopped = false;

  const tick = async (): Promise<void> => {
    const text = await app.api.probe('/metrics').catch(() => null);
    if (stopped) return;
    if (text === null) {
      replace(
        charts,
        h('p', { class: 'empty' }, 'This server publishes no /metrics (on AWS the figures are in CloudWatch).'),
      );
      return;
    }
    const now = scrape(text);
    if (previous) {
      const seconds = (now.at - previous.at) / 1000;
      const requests = total(now.requests) - total(previous.requests);
      const ok = (now.requests.success ?? 0) - (previous.requests.success ?? 0);
      const timed = now.count - previous.count;
      rate.push(requests / seconds);
      refused.push((requests - ok) / seconds);
      mean.push(timed > 0 ? ((now.sum - previous.sum) / timed) * 1000 : null);
      const q = quantile(previous, now, 0.95);
      p95.push(q === null ? null : q * 1000);
      for (const s of [rate, refused, mean, p95]) if (s.length > POINTS) s.shift();
      replace(
        charts,
        lineChart(
          'Requests per second',
          'req/s',
          [
            { label: 'all', className: 's1', points: rate },
            { label: 'denied or failed', className: 's2', points: refused },
          ],
          INTERVAL_MS / 1000,
        ),
        lineChart(
          'Latency (ms)',
          'ms',
          [
            { label: 'mean', className: 's1', points: mean },
            { label: 'p95 (bucket bound)', className: 's2', points: p95 },
          ],
          INTERVAL_MS / 1000,
        ),
      );
    } else replace(charts, h('p', { class: 'loading' }, 'Measuring…'));
    const rows = [...now.operations.entries()].sort((a, b) => b[1].requests - a[1].requests);
    replace(
      perOperation,
      table(
        'Requests by operation',
        [
          { header: 'Operation', cell: ([name]: (typeof rows)[number]) => h('code', {}, name) },
          { header: 'Requests', cell: ([, o]) => o.requests },
          { header: 'Denied or failed', cell: ([, o]) => o.notOk },
          {
            header: 'Mean latency',
            cell: ([, o]) => (o.requests ? `${((o.sum / o.requests) * 1000).toFixed(1)} ms` : ''),
          },
        ],
        rows,
      ),
    );
    previous = now;
  };
  void tick();
  const timer = setInterval(() => void tick(), INTERVAL_MS);
  app.onLeave(() => {
    stopped = true;
    clearInterval(timer);
  });
}
