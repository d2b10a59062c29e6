import { parseArgs } from 'node:util';
import type { RunLength } from './load.ts';

export interface BenchOptions {
  readonly quick: boolean;
  readonly outDir: string | undefined;
  readonly modes: ReadonlyArray<'sqlite' | 'dynamodb'>;
  /** Each measured run: 4 s by default; in quick mode a few requests per connection. */
  readonly run: RunLength;
  readonly warmup: RunLength;
  /** Before the first measurement, each server serves this much traffic first, as a long-running server has. */
  readonly serverWarmup: RunLength;
  /** The profiled run (wrap at 16 connections, bench/profile.ts) whose CPU per request by part the report shows. */
  readonly profile: RunLength;
  readonly loopS: number;
  readonly connections: number[];
  /**
   * Runs of each target row (wrap with a given DEK and unwrap at the middle connection count, on
   * SQLite with 10 and with many keys), each paired with its own ceiling (b); the run with the
   * median ratio is reported, with every run listed. One 4 s run has about ±20% noise on a shared VM.
   */
  readonly repeats: number;
  /** Keys the plain runs spread over (created through the API). */
  readonly keys: number;
  /** Keys rotations spread over, so concurrent rotations rarely meet on one stream. */
  readonly rotateKeys: number;
  readonly scaleKeys: { sqlite: number; dynamodb: number };
  /**
   * Keys the listing runs (sort, search, filter) list: on SQLite the scale seed itself; on DynamoDB
   * the scale seed plus copies of its first row written straight into the key list (bench/seed-key-list.ts).
   */
  readonly dynamodbListingKeys: number;
  /** Keys of the scale seed in the key ring the search runs narrow to (Key Protect searches at most 5,000). */
  readonly ringKeys: { sqlite: number; dynamodb: number };
  readonly scale: boolean;
  /**
   * Rotations of the one key of the long-history run (bench/long-history.ts) per store: 10,000 on SQLite
   * and 2,000 on DynamoDB Local by default (10,000 there take about 30 minutes); 0 skips the run.
   */
  readonly historyRotations: { sqlite: number; dynamodb: number };
  readonly bundles: boolean;
  /** Write V8 CPU profiles of the embedded server's plain runs here (`node --cpu-prof`). */
  readonly cpuProfDir: string | undefined;
  readonly dynamodbPort: number | undefined;
}

/**
 * `npm run bench [-- options]`. Defaults give the full run (about 11 minutes on 2 busy cores);
 * `--quick` is the CI smoke mode: a few requests per run and tiny key counts, every code path once.
 */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      modes: { type: 'string' },
      duration: { type: 'string' },
      'scale-keys': { type: 'string' },
      'dynamodb-scale-keys': { type: 'string' },
      'dynamodb-listing-keys': { type: 'string' },
      'no-scale': { type: 'boolean', default: false },
      'history-rotations': { type: 'string' },
      'dynamodb-history-rotations': { type: 'string' },
      'no-history': { type: 'boolean', default: false },
      'no-bundles': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      repeats: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const num = (v: string | undefined, fallback: number, name: string): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const modes = (values.modes ?? 'sqlite,dynamodb').split(',').map((m) => m.trim());
  for (const m of modes) if (m !== 'sqlite' && m !== 'dynamodb') throw new Error(`--modes: unknown mode ${m}`);
  return {
    quick,
    outDir: values.out,
    modes: modes as Array<'sqlite' | 'dynamodb'>,
    run: quick && values.duration === undefined ? { requests: 8 } : { durationS: num(values.duration, 4, 'duration') },
    warmup: quick ? { requests: 4 } : { durationS: 1 },
    serverWarmup: quick ? { requests: 8 } : { durationS: 5 },
    profile: quick ? { requests: 16 } : { durationS: 8 },
    loopS: quick ? 0.2 : 2,
    connections: quick ? [1, 4] : [1, 16, 64],
    repeats: num(values.repeats, quick ? 2 : 3, 'repeats'),
    keys: quick ? 3 : 10,
    rotateKeys: quick ? 4 : 128,
    scaleKeys: {
      sqlite: num(values['scale-keys'], quick ? 20 : 100_000, 'scale-keys'),
      dynamodb: num(values['dynamodb-scale-keys'], quick ? 20 : 2_000, 'dynamodb-scale-keys'),
    },
    dynamodbListingKeys: num(values['dynamodb-listing-keys'], quick ? 40 : 100_000, 'dynamodb-listing-keys'),
    ringKeys: { sqlite: quick ? 5 : 5_000, dynamodb: quick ? 5 : 1_000 },
    scale: !(values['no-scale'] ?? false),
    historyRotations:
      (values['no-history'] ?? false)
        ? { sqlite: 0, dynamodb: 0 }
        : {
            sqlite: num(values['history-rotations'], quick ? 25 : 10_000, 'history-rotations'),
            dynamodb: num(values['dynamodb-history-rotations'], quick ? 25 : 2_000, 'dynamodb-history-rotations'),
          },
    bundles: !(values['no-bundles'] ?? false),
    cpuProfDir: values['cpu-prof'],
    dynamodbPort: values['dynamodb-port'] === undefined ? undefined : num(values['dynamodb-port'], 0, 'dynamodb-port'),
  };
}
