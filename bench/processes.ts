import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The repository root (bench/ is one level down). */
export const ROOT = new URL('..', import.meta.url).pathname;

/** A child process the harness started; stop() sends SIGTERM and waits (SIGKILL after 10 s). */
export interface Child {
  readonly pid: number;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Spawns `node --import tsx <script>` (or `node <script>`) with `env`, and resolves once a line of its
 * output matches `ready`; returns the match and the time it took.
 */
export async function spawnNode(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
  options: { tsx?: boolean; nodeArgs?: readonly string[]; timeoutMs?: number } = {},
): Promise<{ child: Child; match: RegExpExecArray; readyMs: number }> {
  const started = performance.now();
  const nodeArgs = [
    ...(options.nodeArgs ?? []),
    ...(options.tsx === false ? [] : ['--import', 'tsx']),
    script,
    ...args,
  ];
  const proc: ChildProcess = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = wrap(proc);
  let log = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} not ready within ${options.timeoutMs ?? 60_000} ms:\n${log}`)),
      options.timeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = ready.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${log}`));
    });
  });
  const readyMs = performance.now() - started;
  return { child, match, readyMs };

  function wrap(p: ChildProcess): Child {
    let out = '';
    p.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const done = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    return {
      pid: p.pid ?? -1,
      output: () => out,
      async stop() {
        if (p.exitCode !== null || p.signalCode !== null) return done;
        p.kill('SIGTERM');
        const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
        const code = await done;
        clearTimeout(timer);
        return code;
      },
    };
  }
}

/** Runs a script to completion and returns its stdout (stderr passes through); throws on a non-zero exit. */
export function runNode(script: string, args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code}:\n${err}${out}`)),
    );
  });
}

/** A DynamoDB Local started by scripts/dynamodb-local.sh, in memory. */
export function startDynamoDbLocal(port: number): { endpoint: string; stop(): void } {
  const pid = Number(
    execFileSync('bash', ['scripts/dynamodb-local.sh', String(port)], { cwd: ROOT, encoding: 'utf8' }).trim(),
  );
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('scripts/dynamodb-local.sh printed no pid');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** CPU time (user + system, seconds) and resident set size (bytes) of a process, from /proc. */
export function procUsage(pid: number): { cpuS: number; rssBytes: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuS: ticks / CLOCK_TICKS, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time of a process's main thread (its event loop), in seconds, from the scheduler's own count (ns). */
export function mainThreadCpuS(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return null;
  }
}

export interface ProcessSample {
  readonly rssMaxMB: number;
  /** Average CPU of the whole process (all threads; 100 = one core busy). */
  readonly cpuPct: number;
  /** CPU seconds of the whole process, and of its main thread, during the sample. */
  readonly cpuS: number;
  readonly mainThreadCpuS: number;
}

/** Samples a process every `intervalMs` while a measurement runs: peak RSS and CPU used. */
export function sampleProcess(pid: number, intervalMs = 200): { stop(): ProcessSample } {
  const start = procUsage(pid);
  const mainStart = mainThreadCpuS(pid);
  const t0 = performance.now();
  let rssMax = start?.rssBytes ?? 0;
  const timer = setInterval(() => {
    const u = procUsage(pid);
    if (u && u.rssBytes > rssMax) rssMax = u.rssBytes;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const end = procUsage(pid);
      const mainEnd = mainThreadCpuS(pid);
      if (end && end.rssBytes > rssMax) rssMax = end.rssBytes;
      const wallS = (performance.now() - t0) / 1000;
      const cpuS = start && end ? end.cpuS - start.cpuS : 0;
      return {
        rssMaxMB: round(rssMax / 1048576, 1),
        cpuPct: wallS > 0 ? round((cpuS / wallS) * 100, 0) : 0,
        cpuS,
        mainThreadCpuS: mainStart !== null && mainEnd !== null ? mainEnd - mainStart : 0,
      };
    },
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
