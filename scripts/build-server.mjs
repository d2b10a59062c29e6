// Bundles the local server into .cache/server with esbuild, so `npm start` loads one pre-compiled file
// instead of compiling every module with tsx at start (the first request within 1 s of the start).
// Dependencies are bundled with it, except the native addons (better-sqlite3, pkcs11js). Plain JS so it runs
// before any TypeScript loader: `node scripts/build-server.mjs [outdir]` (default .cache/server; the e2e
// tests build their own copy, test/support/local-server.ts). The outdir must be inside the repository, so the
// native addons' imports resolve to its node_modules. The web console is built into <outdir>/console.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { argv } from 'node:process';
import { fileURLToPath } from 'node:url';
import { buildConsole } from './build-console.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = argv[2] ?? '.cache/server';
await build({
  absWorkingDir: root,
  entryPoints: { main: 'server/main.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Dependencies are bundled too (resolving and parsing a few hundred node_modules files took about half of
  // the start), except the native addons, which load their compiled part from their own folder.
  external: ['better-sqlite3', 'pkcs11js'],
  // CommonJS dependencies inside the ESM bundle still call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __keyledgerRequire } from 'node:module'; const require = __keyledgerRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
});
// The web console the server serves at /console, next to the bundle (server/console-site.ts).
await buildConsole(resolve(root, outdir, 'console'));
