import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeys, scenarios, startKeyledger, wrapOnce } from './keyledger.ts';
import { load, type LoadResult, type RunLength } from './load.ts';
import { summarise, type ProfileSummary } from './profile-top.ts';

export interface ScenarioProfile {
  readonly scenario: string;
  readonly load: LoadResult;
  readonly summary: ProfileSummary;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Profiles the embedded server (the bundle `npm start` runs) under one scenario: starts it with
 * `node --cpu-prof`, warms it up, drives the scenario for `length`, stops it (the profile is
 * written on exit) and summarises the event loop's time inside the measured window only, as µs of
 * CPU per request by part (bench/profile-top.ts).
 */
export async function profileScenario(
  scenario: string,
  connections: number,
  length: RunLength,
  env: Record<string, string> = {},
  keepDir?: string,
  warmup: RunLength = { durationS: 3 },
): Promise<ScenarioProfile> {
  const scratch = mkdtempSync(join(tmpdir(), 'keyledger-profile-'));
  const profDir = keepDir ?? join(scratch, 'prof');
  try {
    const k = await startKeyledger(join(scratch, 'data'), env, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
    let result: LoadResult;
    let window: [number, number];
    try {
      const ids = await createKeys(k, 10);
      const named = scenarios(ids, await wrapOnce(k, ids), await createKeys(k, 128));
      const requests = named[scenario];
      if (!requests) throw new Error(`unknown scenario ${scenario}; one of ${Object.keys(named).join(', ')}`);
      await load(k.url, k.pid, requests, connections, warmup, k.headers);
      const from = nowUs();
      result = await load(k.url, k.pid, requests, connections, length, k.headers);
      window = [from, nowUs()];
    } finally {
      await k.stop();
    }
    const file = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()[0];
    if (!file) throw new Error('no profile written');
    const summary = summarise(join(profDir, file), {
      window,
      requests: result.ok + result.non2xx,
      cpuUsPerRequest: result.mainThreadCpuUsPerRequest,
    });
    return { scenario, load: result, summary };
  } finally {
    rmSync(join(scratch, 'data'), { recursive: true, force: true });
    if (!keepDir) rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Usage: node --import tsx bench/profile.ts ["wrap (given DEK)"] [connections=16] [seconds=8] [profile dir]
 *   (environment variables such as KEYLEDGER_AUDIT_SEAL_INTERVAL_MS pass through to the server)
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const [scenario = 'wrap (given DEK)', connArg = '16', secondsArg = '8', dirArg] = process.argv.slice(2);
  profileScenario(scenario, Number(connArg), { durationS: Number(secondsArg) }, {}, dirArg)
    .then(({ load: r, summary }) => {
      console.log(
        `${scenario} @${connArg}: ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, CPU ${r.serverCpuPct}% (${r.serverCpuUsPerRequest} µs per request, event loop ${r.mainThreadCpuUsPerRequest} µs), non-2xx ${r.non2xx}\n`,
      );
      console.log(summary.text);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
