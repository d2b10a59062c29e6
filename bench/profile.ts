import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeys, scenarios, startKeyledger, wrapOnce } from './keyledger.ts';
import { load } from './load.ts';
import { runNode } from './processes.ts';

/**
 * Profiles the embedded server under one scenario: starts it with `node --cpu-prof`, drives the
 * scenario, stops it (the profile is written on exit) and prints the top self-time entries.
 * Usage: node --import tsx bench/profile.ts ["wrap (given DEK)"] [connections=16] [seconds=8] [profile dir]
 */
const [scenario = 'wrap (given DEK)', connArg = '16', secondsArg = '8', dirArg] = process.argv.slice(2);

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'keyledger-profile-'));
  const profDir = dirArg ?? join(scratch, 'prof');
  try {
    const k = await startKeyledger(join(scratch, 'data'), {}, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
    try {
      const ids = await createKeys(k, 10);
      const named = scenarios(ids, await wrapOnce(k, ids), ids);
      const requests = named[scenario];
      if (!requests) throw new Error(`unknown scenario ${scenario}; one of ${Object.keys(named).join(', ')}`);
      await load(k.url, k.pid, requests, Number(connArg), { durationS: 1 }, k.headers);
      const r = await load(k.url, k.pid, requests, Number(connArg), { durationS: Number(secondsArg) }, k.headers);
      console.log(
        `${scenario} @${connArg}: ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, CPU ${r.serverCpuPct}%, non-2xx ${r.non2xx}`,
      );
    } finally {
      await k.stop();
    }
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no profile written');
    console.log(`profile: ${join(profDir, file)}`);
    console.log(await runNode('bench/profile-top.ts', [join(profDir, file), '30'], {}));
  } finally {
    rmSync(join(scratch, 'data'), { recursive: true, force: true });
    if (!dirArg) rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
