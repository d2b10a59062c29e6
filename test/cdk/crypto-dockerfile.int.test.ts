/**
 * The crypto image's Dockerfile, checked without Docker (this project's machines have none): its
 * instructions parse, every COPY source exists in the build context CDK sends (minus the vendor
 * directory, which only `hsm=custom` builds read), every --from names a stage, and the bundle step
 * it runs works: the very esbuild command of the Dockerfile is run here, and the bundle, laid out as
 * in the image (handler.mjs next to node_modules/pkcs11js), answers a crypto request over SoftHSM2.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CRYPTO_IMAGE_CONTEXT_EXCLUDE } from '../../cdk/constructs/crypto-function.ts';
import { repoRoot } from '../../cdk/paths.ts';
import { SOFTHSM_MODULE_PATH } from '../../functions/crypto/pkcs11/index.ts';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

function instructions(): Instruction[] {
  const text = readFileSync(join(repoRoot, 'functions/crypto/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([A-Z]+)\s+(.*)$/.exec(line);
      assert.ok(match?.[1] && match[2] !== undefined, `not an instruction: ${line}`);
      return { keyword: match[1], args: match[2] };
    });
}

const KNOWN = new Set(['FROM', 'ARG', 'RUN', 'WORKDIR', 'COPY', 'ENV', 'CMD']);

void describe('crypto function Dockerfile', () => {
  const work = mkdtempSync(join(tmpdir(), 'keyledger-dockerfile-'));
  void after(() => rmSync(work, { recursive: true, force: true }));

  void it('uses known instructions, names every --from stage and copies only what the build context holds', () => {
    const all = instructions();
    for (const instruction of all) assert.ok(KNOWN.has(instruction.keyword), instruction.keyword);
    const stages = new Set(
      all
        .filter((i) => i.keyword === 'FROM')
        .map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1])
        .filter((s) => s !== undefined),
    );
    const excluded = new Set(CRYPTO_IMAGE_CONTEXT_EXCLUDE.filter((pattern) => !pattern.includes('*')));
    for (const copy of all.filter((i) => i.keyword === 'COPY')) {
      const parts = copy.args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='));
      const paths = parts.filter((p) => !p.startsWith('--'));
      if (from !== undefined) {
        assert.ok(stages.has(from.slice('--from='.length)), `stage of ${copy.args}`);
        continue;
      }
      for (const source of paths.slice(0, -1)) {
        assert.ok(!excluded.has(source.split('/')[0] ?? ''), `${source} is excluded from the build context`);
        if (source === 'functions/crypto/vendor/') continue; // hsm=custom only: the customer's module
        assert.ok(existsSync(join(repoRoot, source)), `COPY source ${source} exists`);
      }
    }
    assert.ok(all.some((i) => i.keyword === 'CMD' && i.args.includes('"handler.handler"')));
  });

  void it('runs its esbuild command, and the bundle laid out as in the image serves a crypto request', () => {
    const run = instructions().find((i) => i.keyword === 'RUN' && i.args.startsWith('npx esbuild'));
    assert.ok(run, 'the Dockerfile bundles with esbuild');
    const command = run.args.split(' && ')[0] ?? '';
    assert.match(command, /functions\/crypto\/handler\.ts/);
    assert.match(command, /--outfile=dist\/handler\.mjs/);
    const outfile = join(work, 'dist', 'handler.mjs');
    execFileSync('bash', ['-c', command.replace('--outfile=dist/handler.mjs', `--outfile=${outfile}`)], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    cpSync(join(repoRoot, 'node_modules/pkcs11js'), join(work, 'dist/node_modules/pkcs11js'), { recursive: true });
    const script = `import('${outfile}').then(async (m) => { const r = await m.handler({ op: 'random', length: 16 }); process.stdout.write(JSON.stringify(r)); })`;
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: join(work, 'dist'),
      env: {
        PATH: process.env.PATH,
        KEYLEDGER_PKCS11_MODULE: SOFTHSM_MODULE_PATH,
        KEYLEDGER_HSM_DATA_DIR: join(work, 'hsm'),
        KEYLEDGER_LOG_LEVEL: 'ERROR',
      },
      encoding: 'utf8',
    });
    const answer = JSON.parse(output) as { ok: boolean; result: { bytes: string } };
    assert.equal(answer.ok, true);
    assert.equal(Buffer.from(answer.result.bytes, 'base64').length, 16);
  });
});
