import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { allOperations } from '../functions/api/operations.ts';
import { EXTERNAL_MODULES } from '../cdk/constructs/node-function.ts';
import { ROOT } from './processes.ts';

export interface BundleSize {
  readonly entry: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly buildMs: number;
}

/**
 * Every Lambda entry the CDK app bundles: one per route group of functions/api/operations.ts, plus
 * each literal `entry:` of cdk/constructs/ (authorizer, projector, scheduler, ...).
 */
function lambdaEntries(): string[] {
  const groups = [...new Set(allOperations.map((r) => r.group))].map((g) => `functions/api/groups/${g}.ts`);
  const dir = join(ROOT, 'cdk/constructs');
  const literal = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [...readFileSync(join(dir, f), 'utf8').matchAll(/entry:\s*'([^'$`]+\.ts)'/g)].map((m) => m[1] as string),
    );
  return [...new Set([...groups, ...literal])].sort();
}

/** Builds each entry with the esbuild settings of cdk/constructs/node-function.ts and measures the .js output. */
export async function bundleSizes(): Promise<BundleSize[]> {
  const out = mkdtempSync(join(tmpdir(), 'keyledger-bundles-'));
  try {
    const sizes: BundleSize[] = [];
    for (const entry of lambdaEntries()) {
      const outfile = join(out, `${entry.replace(/[/.]/g, '_')}.mjs`);
      const t0 = performance.now();
      await build({
        entryPoints: [join(ROOT, entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: {
          js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
        sourcemap: true,
        sourcesContent: false,
        minify: true,
        external: EXTERNAL_MODULES,
        logLevel: 'silent',
      });
      const bytes = statSync(outfile).size;
      sizes.push({
        entry,
        bytes,
        gzipBytes: gzipSync(readFileSync(outfile)).length,
        buildMs: Math.round(performance.now() - t0),
      });
    }
    return sizes;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
