// Bundles the local server into .cache/server with esbuild, so
// `npm start` loads one pre-compiled file instead of compiling every module with tsx at start
// (the first request within 1 s of the start). Dependencies stay external (native modules, node_modules
// as installed). Plain JS so it runs before any TypeScript loader: `node scripts/build-server.mjs [outdir]`
// (default .cache/server; the e2e tests build their own copy, test/support/local-server.ts). The outdir must
// be inside the repository, so the bundle's bare imports resolve to its node_modules. The web console is
// built into <outdir>/console.
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
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// The web console the server serves at /console, next to the bundle (server/console-site.ts).
await buildConsole(resolve(root, outdir, 'console'));
