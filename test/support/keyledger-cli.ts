import { spawn } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The `keyledger` command's entry (package.json `bin`), for a test that needs the child process itself. */
export const KEYLEDGER_BIN = `${ROOT}cli/bin/keyledger.mjs`;

/** What one run of the `keyledger` command did. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `keyledger` command (package.json `bin`: cli/bin/keyledger.mjs) as a user's shell
 * would, with stdout and stderr piped, `env` over the test's environment; never rejects.
 */
export function keyledger(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KEYLEDGER_BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
