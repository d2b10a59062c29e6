import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKeys, scenarios, startKeyledger, wrapOnce, type RunningKeyledger } from './keyledger.ts';
import { load, type LoadResult } from './load.ts';
import { ROOT } from './processes.ts';

/**
 * Interleaved A/B of two server settings or two versions on this machine: both servers up at once,
 * runs alternating A, B, B, A... so both see the same background load, each after a warm-up. Prints
 * req/s, latency and CPU per request (all threads, and the event loop's thread alone) per run, and
 * the medians. CPU per request is the figure to decide on when the machine is busy.
 * Usage: node --import tsx bench/ab.ts --a 'NAME=value,...' --b 'NAME=value,...'
 *          [--a-root DIR] [--b-root DIR] (a checkout with node_modules: another version; default this one)
 *          [--scenario "wrap (given DEK)"] [--connections 16] [--duration 4] [--rounds 5]
 */
const { values } = parseArgs({
  options: {
    a: { type: 'string', default: '' },
    b: { type: 'string', default: '' },
    'a-root': { type: 'string', default: ROOT },
    'b-root': { type: 'string', default: ROOT },
    scenario: { type: 'string', default: 'wrap (given DEK)' },
    connections: { type: 'string', default: '16' },
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
  },
});

const env = (spec: string): Record<string, string> =>
  Object.fromEntries(
    spec
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]),
  );
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)] ?? 0;

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'keyledger-ab-'));
  const servers: RunningKeyledger[] = [];
  try {
    const variants = [
      { name: 'A', env: env(values.a), root: values['a-root'] },
      { name: 'B', env: env(values.b), root: values['b-root'] },
    ];
    const runs = new Map<string, LoadResult[]>();
    const scenarioOf = new Map<string, Awaited<ReturnType<typeof scenarios>>[string]>();
    for (const v of variants) {
      const k = await startKeyledger(join(scratch, v.name), v.env, [], v.root);
      servers.push(k);
      const ids = await createKeys(k, 10);
      const rotate = await createKeys(k, 128);
      const requests = scenarios(ids, await wrapOnce(k, ids), rotate)[values.scenario];
      if (!requests) throw new Error(`unknown scenario ${values.scenario}`);
      scenarioOf.set(v.name, requests);
      runs.set(v.name, []);
    }
    const connections = Number(values.connections);
    for (const [i, v] of variants.entries()) {
      const k = servers[i] as RunningKeyledger;
      await load(k.url, k.pid, scenarioOf.get(v.name) ?? [], connections, { durationS: 3 }, k.headers);
    }
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [i, v] of (round % 2 === 0 ? variants : [...variants].reverse()).entries()) {
        const k = servers[variants.indexOf(v)] as RunningKeyledger;
        void i;
        const r = await load(
          k.url,
          k.pid,
          scenarioOf.get(v.name) ?? [],
          connections,
          { durationS: Number(values.duration) },
          k.headers,
        );
        runs.get(v.name)?.push(r);
        console.log(
          `${v.name} round ${round + 1}: ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, CPU/request ${r.serverCpuUsPerRequest} µs (event loop ${r.mainThreadCpuUsPerRequest} µs), non-2xx ${r.non2xx}`,
        );
      }
    }
    for (const v of variants) {
      const rs = runs.get(v.name) ?? [];
      console.log(
        `${v.name} (${values[v.name === 'A' ? 'a' : 'b'] || 'defaults'}, ${v.root}) median: ${median(rs.map((r) => r.rps))} req/s, p99 ${median(rs.map((r) => r.p99Ms))} ms, CPU/request ${median(rs.map((r) => r.serverCpuUsPerRequest))} µs, event loop ${median(rs.map((r) => r.mainThreadCpuUsPerRequest))} µs`,
      );
    }
  } finally {
    await Promise.all(servers.map((k) => k.stop()));
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
