import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import type { LoadResult, LogSyncs } from './load.ts';
import type { BundleSize } from './bundle-sizes.ts';
import { ROOT, round } from './processes.ts';

/** Which ceiling bounds a keyledger figure: (b) for routes doing one HSM operation, (a) for the rest. */
export type CeilingName = 'a' | 'b';

export interface ScenarioResult extends LoadResult {
  readonly scenario: string;
  readonly ceiling: CeilingName | null;
  readonly ceilingRps: number | null;
  /** Whether the ceiling was measured right before this figure (HSM routes) rather than taken from the first pass. */
  readonly ceilingPaired: boolean;
  /** rps / ceilingRps. */
  readonly ratio: number | null;
  /** Every run of a repeated (target) row, in order; the row's own figures are the median-ratio run's. */
  readonly runs?: ReadonlyArray<{
    readonly rps: number;
    readonly ceilingRps: number | null;
    readonly ratio: number | null;
    readonly p99Ms: number;
  }>;
}

/** bench/long-history.ts: one key rotated `rotations` times, then measured on freshly opened services. */
export interface HistoryResult {
  readonly rotations: number;
  readonly rotateAllS: number;
  /** Mean time of each of the last 1,000 rotations (of all, with fewer). */
  readonly lastThousandMsEach: number;
  readonly afterRestart: {
    readonly loadMs: number;
    readonly unwrapOldestColdMs: number;
    readonly unwrapOldestWarmMs: number;
    readonly wrapNewestMs: number;
    readonly rotateOnceMoreMs: number;
    readonly listPages: number;
    readonly listFirstPageMs: number;
    readonly listLastPageMs: number;
    readonly listPageMedianMs: number;
    readonly listAllMs: number;
  };
  /** JSON bytes of the key's head snapshot and of its largest event (data and meta), index pages included. */
  readonly keyHeadBytes: number;
  readonly largestEventBytes: number;
  readonly streams: number;
}

export interface ModeResult {
  readonly store: 'sqlite' | 'dynamodb';
  readonly keys: number;
  readonly startup: { listeningMs: number; firstRequestMs: number };
  readonly scenarios: ScenarioResult[];
  readonly idleRssMB: number;
  /** SQLite: wrap at the target connection count with KEYLEDGER_AUDIT_SEAL_INTERVAL_MS=0 (a checkpoint in every commit). */
  readonly sealEveryCommit?: ScenarioResult | null;
  readonly scale: {
    readonly keys: number;
    /** Keys the listing rows list (more than `keys` on DynamoDB: rows seeded straight into the key list). */
    readonly listingKeys: number;
    readonly seed: { createS: number; projectS: number; auditS: number; keysPerS: number; concurrency: number };
    readonly startup: { listeningMs: number; firstRequestMs: number };
    readonly scenarios: ScenarioResult[];
    readonly idleRssMB: number;
    readonly endRssMB: number;
  } | null;
  /** The long-history run (bench/long-history.ts); null when skipped. */
  readonly history?: HistoryResult | null;
}

export interface BenchProfile {
  readonly scenario: string;
  readonly connections: number;
  readonly rps: number;
  readonly p99Ms: number;
  /** CPU per request of every server thread, and of the event loop's thread alone (from /proc). */
  readonly cpuUsPerRequest: number;
  readonly eventLoopUsPerRequest: number;
  /** Of the event loop's busy time: keyledger's own code (its folders), µs per request. */
  readonly keyledgerUsPerRequest: number;
  readonly idleShare: number;
  readonly parts: ReadonlyArray<{ part: string; usPerRequest: number }>;
  readonly text: string;
}

export interface CeilingResult extends LoadResult {
  readonly ceiling: 'a' | 'b-async' | 'b-sync';
}

export interface BenchReport {
  readonly schema: 'keyledger-bench/1';
  readonly quick: boolean;
  readonly startedAt: string;
  readonly elapsedS: number;
  readonly machine: Machine;
  readonly commit: { sha: string; dirty: boolean };
  readonly settings: {
    /** Seconds per measured run; null in quick mode, whose runs make `requestsPerRun` requests instead. */
    durationS: number | null;
    requestsPerRun?: number | null;
    connections: number[];
    repeats: number;
    keys: number;
    scaleKeys: Record<string, number>;
  };
  readonly ceilings: {
    readonly http: CeilingResult[];
    readonly loops: {
      pkcs11SyncOpsPerS: number;
      pkcs11AsyncOpsPerS: number;
      asyncConcurrency: number;
      nodeCryptoOpsPerS: number;
    };
  };
  readonly modes: ModeResult[];
  /** The event loop's CPU per request by part, from a profiled run of its own (bench/profile.ts). */
  readonly profile?: BenchProfile | null;
  readonly bundles: BundleSize[];
  readonly targets: Target[];
}

export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryMB: number;
  readonly node: string;
  readonly platform: string;
  readonly loadAverageAtStart: number[];
}

export function machine(): Machine {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryMB: Math.round(totalmem() / 1048576),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
  };
}

export function commit(): { sha: string; dirty: boolean } {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() !== '';
    return { sha, dirty };
  } catch {
    return { sha: 'unknown', dirty: false };
  }
}

/** The best ceiling (b) at `connections`: the faster of the blocking and thread-pool variants. */
export function ceilingRps(http: readonly CeilingResult[], which: CeilingName, connections: number): number | null {
  const rows = http.filter(
    (c) => c.connections === connections && (which === 'a' ? c.ceiling === 'a' : c.ceiling !== 'a'),
  );
  if (rows.length === 0) return null;
  return Math.max(...rows.map((r) => r.rps));
}

const pct = (r: number | null) => (r === null ? 'n/a' : `${Math.round(r * 100)}%`);
const runsNote = (s: ScenarioResult) =>
  s.runs && s.runs.length > 1 ? ` (median of ${s.runs.map((run) => pct(run.ratio ?? null)).join(', ')})` : '';

/** A row's waits for the SQLite log's fsync: bucket bounds of p50 and p99 ("<= 2.5 ms"), blank where none. */
const logSyncCell = (l: LogSyncs | null | undefined): string => {
  const ms = (v: number) => (v === Infinity ? '+Inf' : String(v));
  return l ? `<= ${ms(l.p50Ms)} / <= ${ms(l.p99Ms)}` : '';
};

function scenarioRows(label: string, rows: readonly ScenarioResult[]): string[] {
  return rows.map(
    (s) =>
      `| ${label} | ${s.scenario} | ${s.connections} | ${s.rps} | ${s.p50Ms} | ${s.p99Ms} | ${s.non2xx + s.errors} | ${s.serverRssMaxMB} | ${s.serverCpuPct} | ${logSyncCell(s.logSync)} | ${s.ceiling ?? ''} ${s.ceilingRps ?? ''}${s.ceilingPaired ? '*' : ''} | ${pct(s.ratio)}${runsNote(s)} |`,
  );
}

/** The results as markdown: machine, ceilings, one table of every keyledger figure with its ratio, targets, bundles. */
export function toMarkdown(r: BenchReport): string {
  const m = r.machine;
  const lines = [
    `# keyledger benchmark${r.quick ? ' (quick mode: not a measurement)' : ''}`,
    '',
    `${r.startedAt}, commit ${r.commit.sha.slice(0, 12)}${r.commit.dirty ? ' (with uncommitted changes)' : ''}; ${m.cpuModel}, ${m.cores} cores, ${m.memoryMB} MB, Node ${m.node}, ${m.platform}; load average at start ${m.loadAverageAtStart.join(' / ')}. ` +
      `${r.settings.durationS === null ? `${r.settings.requestsPerRun} requests` : `${r.settings.durationS} s`} per run, autocannon on loopback in the harness process; took ${Math.round(r.elapsedS)} s.`,
    '',
    '## Ceilings',
    '',
    `(c) raw PKCS#11 AES-256-GCM in SoftHSM, no HTTP: ${r.ceilings.loops.pkcs11SyncOpsPerS} ops/s blocking, ${r.ceilings.loops.pkcs11AsyncOpsPerS} ops/s on the thread pool (${r.ceilings.loops.asyncConcurrency} in flight). ` +
      `(d) node:crypto AES-256-GCM: ${r.ceilings.loops.nodeCryptoOpsPerS} ops/s.`,
    '',
    '| ceiling | conns | req/s | p50 ms | p99 ms | RSS MB | CPU % | vs (c) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.ceilings.http.map(
      (c) =>
        `| ${c.ceiling === 'a' ? '(a) bare node:http JSON' : `(b) + one SoftHSM GCM op, ${c.ceiling === 'b-sync' ? 'blocking' : 'thread pool'}`} | ${c.connections} | ${c.rps} | ${c.p50Ms} | ${c.p99Ms} | ${c.serverRssMaxMB} | ${c.serverCpuPct} | ${c.ceiling === 'a' ? '' : pct(c.rps / Math.max(r.ceilings.loops.pkcs11SyncOpsPerS, r.ceilings.loops.pkcs11AsyncOpsPerS))} |`,
    ),
    '',
    '## keyledger',
    '',
    'Ratio: req/s over the ceiling that bounds the route at the same connection count: for wrap, unwrap and rewrap (b), in its faster variant, measured again right before the row (marked *); (a) from the first pass for the rest. ' +
      `Target rows are run ${r.settings.repeats} times, each with its own ceiling, and the median-ratio run is shown.`,
    '',
    '| store | scenario | conns | req/s | p50 ms | p99 ms | non-2xx | RSS MB | CPU % | log fsync wait p50 / p99 ms | ceiling req/s | ratio |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const mode of r.modes) {
    lines.push(...scenarioRows(`${mode.store}, ${mode.keys} keys`, mode.scenarios));
    if (mode.sealEveryCommit)
      lines.push(...scenarioRows(`${mode.store}, ${mode.keys} keys, seal interval 0`, [mode.sealEveryCommit]));
    const scale = mode.scale;
    if (scale) {
      // Listing rows list every key of the instance; on DynamoDB more than the seed created (bench/seed-key-list.ts).
      const listing = (s: ScenarioResult) => s.scenario.startsWith('list');
      lines.push(
        ...scenarioRows(
          `${mode.store}, ${scale.keys} keys`,
          scale.scenarios.filter((s) => !listing(s)),
        ),
      );
      lines.push(...scenarioRows(`${mode.store}, ${scale.listingKeys} keys`, scale.scenarios.filter(listing)));
    }
  }
  lines.push(
    '',
    '| store | start to `listening` | start to first 200 | idle RSS MB | keys seeded | seed time | RSS at scale (idle / after runs) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const mode of r.modes) {
    const s = mode.scale;
    lines.push(
      `| ${mode.store} | ${mode.startup.listeningMs} ms (fresh data dir)${s ? `, ${s.startup.listeningMs} ms (${s.keys} keys)` : ''} | ${mode.startup.firstRequestMs} ms${s ? `, ${s.startup.firstRequestMs} ms` : ''} | ${mode.idleRssMB} | ${s?.keys ?? ''} | ${s ? `${round(s.seed.createS, 1)} s create (${s.seed.keysPerS} keys/s, application layer, ${s.seed.concurrency} in flight) + ${round(s.seed.projectS, 1)} s projection + ${round(s.seed.auditS, 1)} s audit records` : ''} | ${s ? `${s.idleRssMB} / ${s.endRssMB}` : ''} |`,
    );
  }
  const histories = r.modes.filter((m) => m.history);
  if (histories.length > 0) {
    lines.push(
      '',
      '## Long history: one key rotated N times (bench/long-history.ts, application layer, SoftHSM)',
      '',
      'After the rotations, services opened afresh on the same data (nothing cached) time each step once.',
      '',
      '| store | N | N rotations | each of the last 1,000 | load | unwrap version 1 (cold / again) | wrap | rotate once more | list 200 per page: pages, first / median / last, all | largest head snapshot / event |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const mode of histories) {
      const h = mode.history as HistoryResult;
      const a = h.afterRestart;
      lines.push(
        `| ${mode.store} | ${h.rotations} | ${h.rotateAllS} s | ${h.lastThousandMsEach} ms | ${a.loadMs} ms | ${a.unwrapOldestColdMs} / ${a.unwrapOldestWarmMs} ms | ${a.wrapNewestMs} ms | ${a.rotateOnceMoreMs} ms | ${a.listPages}, ${a.listFirstPageMs} / ${a.listPageMedianMs} / ${a.listLastPageMs} ms, ${a.listAllMs} ms | ${h.keyHeadBytes} / ${h.largestEventBytes} bytes |`,
      );
    }
  }
  if (r.profile) {
    const p = r.profile;
    lines.push(
      '',
      `## Where the time goes: ${p.scenario} @${p.connections} (SQLite, profiled run of its own)`,
      '',
      `${p.rps} req/s, p99 ${p.p99Ms} ms; CPU per request ${p.cpuUsPerRequest} µs over all server threads, ${p.eventLoopUsPerRequest} µs on the event loop, of which keyledger's own code ${p.keyledgerUsPerRequest} µs; the event loop idle ${Math.round(p.idleShare * 100)}% of the time.`,
      '',
      '```',
      p.text,
      '```',
    );
  }
  lines.push('', '## Targets', '', '| target | goal | measured | met |', '| --- | --- | --- | --- |');
  for (const t of r.targets)
    lines.push(`| ${t.name} | ${t.goal} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : 'no'} |`);
  lines.push(
    '',
    '## Lambda bundles (esbuild settings of cdk/constructs/node-function.ts)',
    '',
    '| entry | bytes | gzip |',
    '| --- | --- | --- |',
  );
  for (const b of r.bundles) lines.push(`| ${b.entry} | ${b.bytes} | ${b.gzipBytes} |`);
  return `${lines.join('\n')}\n`;
}
