#!/usr/bin/env node
// The `keyledger` command (package.json "bin"): runs cli/keyledger.ts through tsx's loader, so the
// checkout's TypeScript is the program (`npx keyledger`, `npm link`, `npm install -g .`).
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../keyledger.ts');
process.exitCode = await main(process.argv.slice(2));
