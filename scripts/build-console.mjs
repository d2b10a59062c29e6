// Builds the web console (console/) into a folder of static files: index.html, favicon.svg, console.css,
// console.js, and the API reference page reference.html with reference.js (console/src bundled and minified
// with esbuild, for browsers; no external request).
// The local server serves them at /console (scripts/build-server.mjs builds them next to its bundle)
// and the CDK stack deploys them to S3 behind CloudFront. Plain JS so it runs before any TypeScript
// loader: `node scripts/build-console.mjs [outdir]` (default .cache/console).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { argv } from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes the console's files into `outdir` (created if needed). */
export async function buildConsole(outdir) {
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [
      { in: 'console/src/main.ts', out: 'console' },
      { in: 'console/src/reference.ts', out: 'reference' },
      { in: 'console/console.css', out: 'console' },
    ],
    outdir,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    legalComments: 'eof',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'reference.html', 'favicon.svg'])
    copyFileSync(join(root, 'console', file), join(outdir, file));
}

if (resolve(argv[1] ?? '') === fileURLToPath(import.meta.url))
  await buildConsole(resolve(root, argv[2] ?? '.cache/console'));
