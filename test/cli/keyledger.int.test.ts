/**
 * The `keyledger` command, run as a user runs it (the package's `bin`, a child process with piped
 * output) against the real local server: tables by default, JSON with --output json, one-line errors
 * with the Key Protect reason code, the exit codes scripts test, --help everywhere, and progress only
 * on a terminal.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { keyledger, type CliRun } from '../support/keyledger-cli.ts';
import { startServer, type ServerProcess } from '../support/local-server.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** A table's lines split into cells (columns are separated by three or more spaces). */
function cells(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {3,}/));
}

/** A field list (`Field   value` lines) as an object. */
function fields(text: string): Record<string, string> {
  return Object.fromEntries(cells(text).map(([k, ...v]) => [k ?? '', v.join('   ')]));
}

function ok(run: CliRun, what: string): string {
  assert.equal(run.code, 0, `${what}: exit ${run.code}\n${run.stderr}`);
  assert.equal(run.stderr, '', `${what}: nothing on stderr when piped`);
  return run.stdout;
}

describe('keyledger command', () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  const cli = (...args: string[]) => keyledger(args, env);
  const json = async <T>(...args: string[]): Promise<T> =>
    JSON.parse(ok(await cli(...args, '--output', 'json'), args.join(' '))) as T;

  before(async () => {
    server = await startServer({
      KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
      KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
      KEYLEDGER_MIN_PURGE_DELAY_S: '0',
    });
    env = {
      KEYLEDGER_URL: server.url,
      KEYLEDGER_API_KEY: server.adminApiKey,
      KEYLEDGER_INSTANCE: server.defaultInstanceId,
    };
  });
  after(() => server.dispose());

  it('is the package bin: npx keyledger --help from the checkout', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'keyledger', '--help'], { cwd: ROOT });
    assert.match(stdout, /^Usage: keyledger \[options\] \[command\]/);
    for (const group of ['keys', 'key', 'rings', 'aliases', 'policies', 'import-token', 'audit', 'history', 'access'])
      assert.match(stdout, new RegExp(`^  ${group} `, 'm'), group);
  });

  it('has --help on every command, exit code 0', async () => {
    const keys = await cli('keys', '--help');
    assert.equal(keys.code, 0);
    assert.match(keys.stdout, /^Usage: keyledger keys \[options\] \[command\]/);
    assert.deepEqual(
      [...keys.stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]),
      ['list', 'create', 'show', 'delete', 'restore', 'purge', 'help'],
    );
    const rotate = await cli('key', 'rotate', '--help');
    assert.equal(rotate.code, 0);
    assert.match(rotate.stdout, /^Usage: keyledger key rotate \[options\] <key>/);
  });

  it('creates, lists, rotates, wraps, disables and shows a key: tables by default, JSON on request', async () => {
    const created = fields(ok(await cli('keys', 'create', 'cli-root', '--aliases', 'cli-a,cli-b'), 'create'));
    assert.equal(created.Name, 'cli-root');
    assert.equal(created.Type, 'root');
    assert.equal(created.State, 'Active');
    assert.equal(created.Aliases, 'cli-a, cli-b');
    const id = created['Key ID'] ?? '';
    assert.match(id, /^[0-9a-f-]{36}$/);

    const table = cells(ok(await cli('keys', 'list'), 'list'));
    assert.deepEqual(table[0], ['ID', 'NAME', 'TYPE', 'STATE', 'KEY RING', 'CREATED', 'ALIASES']);
    const row = table.find((r) => r[0] === id);
    assert.deepEqual(row?.slice(1, 5), ['cli-root', 'root', 'Active', 'default']);

    const listed = await json<{ id: string; state: number }[]>('keys', 'list');
    assert.equal(listed.find((k) => k.id === id)?.state, 1);

    const rotated = await json<{ id: string; keyVersion: { id: string } }>('key', 'rotate', 'cli-a');
    assert.equal(rotated.id, id, 'an alias names the key');
    const versions = await json<{ id: string }[]>('key', 'versions', id);
    assert.equal(versions.length, 2);
    assert.equal(versions[0]?.id, rotated.keyVersion.id, 'newest first');

    const wrapped = await json<{ plaintext: string; ciphertext: string }>('key', 'wrap', id, '--aad', 'tenant=acme');
    const unwrapped = await json<{ plaintext: string }>(
      'key',
      'unwrap',
      id,
      wrapped.ciphertext,
      '--aad',
      'tenant=acme',
    );
    assert.equal(unwrapped.plaintext, wrapped.plaintext);

    assert.equal(ok(await cli('key', 'disable', id), 'disable').trim(), `Key ${id} disabled.`);
    const refused = await cli('key', 'wrap', id);
    assert.equal(refused.code, 1, 'a refused request exits 1');
    assert.equal(refused.stdout, '');
    assert.equal(
      refused.stderr,
      'keyledger: KEY_ACTION_INVALID_STATE_ERR (HTTP 409): Key is not in a valid state\n',
      'one line with the reason code',
    );
    assert.equal(fields(ok(await cli('keys', 'show', id), 'show')).State, 'Suspended');

    const history = cells(ok(await cli('history', id), 'history'));
    assert.deepEqual(history[0], ['VERSION', 'TIME', 'EVENT', 'PRINCIPAL', 'DETAILS']);
    assert.deepEqual(
      history.slice(1).map((r) => r[2]),
      ['KeyCreated', 'AliasAdded', 'AliasAdded', 'KeyVersionRotated', 'KeyDisabled'],
    );
  });

  it('deletes, restores and purges a standard key; its payload only on request', async () => {
    const material = Buffer.from('a standard secret').toString('base64');
    const key = await json<{ id: string; extractable: boolean }>(
      'keys',
      'create',
      'cli-std',
      '--standard',
      '-k',
      material,
    );
    assert.equal(key.extractable, true);
    assert.equal((await json<{ payload?: string }>('keys', 'show', key.id)).payload, undefined);
    assert.equal((await json<{ payload?: string }>('keys', 'show', key.id, '--with-payload')).payload, material);
    assert.equal((await json<{ state: number }>('keys', 'delete', key.id)).state, 5);
    assert.equal((await json<{ state: number }>('keys', 'restore', key.id)).state, 1);
    await json('keys', 'delete', key.id);
    await json('keys', 'purge', key.id);
    const gone = await cli('keys', 'show', key.id);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^keyledger: KEY_NOT_FOUND_ERR \(HTTP 404\)/);
  });

  it('manages key rings, aliases and policies', async () => {
    assert.deepEqual(cells(ok(await cli('rings', 'create', 'cli-ring'), 'ring'))[1]?.[0], 'cli-ring');
    assert.deepEqual(
      (await json<{ id: string }[]>('rings', 'list')).map((r) => r.id),
      ['default', 'cli-ring'],
    );
    const key = await json<{ id: string; keyRingID: string }>('keys', 'create', 'in-ring', '--key-ring', 'cli-ring');
    assert.equal(key.keyRingID, 'cli-ring');
    await json('aliases', 'create', key.id, 'ring-alias');
    assert.deepEqual(cells(ok(await cli('aliases', 'list', key.id), 'aliases')), [
      ['ALIAS', 'KEY ID'],
      ['ring-alias', key.id],
    ]);
    assert.deepEqual(
      cells(ok(await cli('policies', 'set', key.id, '--rotation-interval', '3', '--dual-auth-delete', 'off'), 'set')),
      [
        // The server's order, as Key Protect answers and Terraform reads it: rotation first.
        ['POLICY', 'ENABLED', 'INTERVAL (MONTHS)'],
        ['rotation', 'true', '3'],
        ['dualAuthDelete', 'false'],
      ],
    );
    const moved = await json<{ keyRingID: string }>('key', 'move', key.id, '--key-ring', 'default');
    assert.equal(moved.keyRingID, 'default');
  });

  it('queries, follows and verifies the audit trail', async () => {
    const rotations = await json<{ records: { operation: string; outcome: string }[]; nextCursor: null }>(
      'audit',
      'query',
      '--operation',
      'wrapKey',
      '--outcome',
      'denied',
    );
    assert.deepEqual(rotations.records, [], 'no denied wrap so far');
    const failed = await json<{ records: { operation: string; reason: string }[] }>(
      'audit',
      'query',
      '--operation',
      'wrapKey',
      '--outcome',
      'failed',
    );
    assert.deepEqual(
      failed.records.map((r) => [r.operation, r.reason]),
      [['wrapKey', 'KEY_ACTION_INVALID_STATE_ERR']],
    );

    // tail: the records written while it runs, without its own polls.
    const tail = keyledger(['audit', 'tail', '--count', '1', '--interval', '200', '--output', 'json'], env);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await json('keys', 'create', 'while-tailing');
    const tailed = await tail;
    assert.equal(tailed.code, 0, tailed.stderr);
    const lines = tailed.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0] ?? '') as { operation: string }).operation, 'createKey');

    const verdict = fields(ok(await cli('audit', 'verify'), 'verify'));
    assert.equal(verdict.Instance, server.defaultInstanceId);
    assert.equal(verdict.Valid, 'yes');
    assert.ok(Number(verdict.Records) > 20);

    // reconcile: every event of every instance has its request's record (the reconciler wrote any missing one).
    const report = await json<{ events: number; requests: number; recorded: number; missing: unknown[] }>(
      'audit',
      'reconcile',
    );
    assert.deepEqual(report.missing, []);
    assert.ok(report.events > 0, JSON.stringify(report));
    assert.equal(report.recorded, report.requests, JSON.stringify(report));
    const table = fields(ok(await cli('audit', 'reconcile'), 'reconcile'));
    assert.equal(table.Missing, 'none');
    assert.equal(Number(table.Events), report.events, 'the same cross-check, as a field list');
  });

  it('shows progress on a terminal, and none when piped', async () => {
    const piped = await cli('audit', 'verify');
    assert.doesNotMatch(piped.stdout + piped.stderr, /verifying/);
    // script(1) gives the command a pseudo-terminal; everything it writes comes back on stdout.
    const command = `node cli/bin/keyledger.mjs audit verify`;
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, ...env, TERM: 'xterm' },
    });
    assert.match(stdout, /verifying the audit trail of [0-9a-f-]{36}/);
    assert.match(stdout, /Valid +yes/);
  });

  it('answers with the exit codes scripts test', async () => {
    const unknown = await cli('keys', 'frobnicate');
    assert.equal(unknown.code, 2, 'usage');
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.equal((await cli('keys', 'create')).code, 2, 'a missing argument');
    const badNumber = await cli('keys', 'list', '--number', 'many');
    assert.equal(badNumber.code, 2, 'a malformed option');
    assert.match(badNumber.stderr, /must be a whole number/);

    const wrongKey = await keyledger(['keys', 'list'], { ...env, KEYLEDGER_API_KEY: 'not-a-key' });
    assert.equal(wrongKey.code, 3, 'sign-in refused');
    assert.equal(
      wrongKey.stderr,
      'keyledger: sign-in refused: BXNIM0415E (HTTP 400): Provided API key could not be found.\n',
    );
    const unreachable = await keyledger(['keys', 'list'], { ...env, KEYLEDGER_URL: 'http://127.0.0.1:9' });
    assert.equal(unreachable.code, 3, 'no connection');
    assert.match(unreachable.stderr, /^keyledger: cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('administers principals and access; a Reader lists but cannot create', async () => {
    const reader = await json<{ id: string; apiKey: string }>('principal', 'create', '--name', 'cli-reader');
    const binding = await json<{ id: string }>('access', 'grant', '--principal', reader.id, '--role', 'Reader');
    const bindings = cells(ok(await cli('access', 'list'), 'access list'));
    assert.deepEqual(bindings[0], ['BINDING', 'PRINCIPAL', 'ROLE', 'SCOPE', 'CREATED']);
    assert.deepEqual(
      bindings.slice(1).map((r) => r.slice(0, 4)),
      [[binding.id, reader.id, 'Reader', 'instance']],
    );
    const asReader = { ...env, KEYLEDGER_API_KEY: reader.apiKey };
    const listed = await keyledger(['keys', 'list', '--output', 'json'], asReader);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok((JSON.parse(listed.stdout) as unknown[]).length > 0);
    const refused = await keyledger(['keys', 'create', 'not-allowed'], asReader);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^keyledger: UNAUTHORIZED_ERR \(HTTP 401\)/);
    const notAdmin = await keyledger(['audit', 'verify'], asReader);
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /^keyledger: UNAUTHORIZED_ERR \(HTTP 401\)/);
  });

  it('subscribes a URL, rotates its secret, lists its dead letters and refuses an unknown one', async () => {
    const created = await json<{ id: string; secret: string }>(
      'subscription',
      'create',
      '--endpoint',
      'http://127.0.0.1:9/never-answers',
    );
    const rotated = await json<{ secret: string; previousSecretValidUntil: string }>(
      'subscription',
      'rotate-secret',
      '--subscription',
      created.id,
      '--overlap',
      '60',
    );
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, created.secret);
    const overlap = Date.parse(rotated.previousSecretValidUntil) - Date.now();
    assert.ok(overlap > 50_000 && overlap <= 60_000, `the old secret signs for the 60 s asked: ${overlap} ms`);
    assert.deepEqual(await json('subscription', 'dead-letters', '--subscription', created.id), []);
    const table = cells(ok(await cli('subscription', 'dead-letters', '--subscription', created.id), 'dead letters'));
    assert.deepEqual(table, [['DEAD LETTER', 'EVENT', 'ATTEMPTS', 'LAST ERROR', 'SINCE']]);
    const unknown = await cli(
      'subscription',
      'redeliver',
      '--subscription',
      created.id,
      '--dead-letter',
      '00000000-0000-4000-8000-000000000000',
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^keyledger: DEAD_LETTER_NOT_FOUND_ERR \(HTTP 404\)/);
    assert.equal(
      ok(await cli('subscription', 'delete', '--subscription', created.id), 'delete'),
      'Subscription deleted.\n',
    );
    const gone = await cli('subscription', 'dead-letters', '--subscription', created.id);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^keyledger: SUBSCRIPTION_NOT_FOUND_ERR \(HTTP 404\)/);
  });
});
