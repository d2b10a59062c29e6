/**
 * Secrets never written: after a run that handles every kind of secret the service sees (the
 * administrator's and a principal's API keys, their tokens, a standard key's payload, a DEK wrapped and
 * unwrapped, a webhook signing secret), no file under the data directory and no line of the server's output
 * holds any of them, in raw bytes, base64 or hex; and no response carries one it should not (listings and
 * metadata never carry the payload; the webhook secret is shown once).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Admin, call } from '../support/access-helpers.ts';
import { startServer, tokenFor, type ServerProcess } from '../support/local-server.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The spellings a secret could be written in. */
function spellings(secret: Buffer | string): Buffer[] {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return [
    bytes,
    Buffer.from(bytes.toString('base64')),
    Buffer.from(bytes.toString('base64url')),
    Buffer.from(bytes.toString('hex')),
  ];
}

void describe('secrets never written', () => {
  const adminApiKey = `admin-${randomBytes(24).toString('hex')}`;
  let server: ServerProcess;
  let admin: Admin;
  const secrets = new Map<string, Buffer | string>();
  const responses: string[] = [];
  /** The one response that must carry the payload: the scan's control (it must find it there). */
  let control = '';

  before(async () => {
    server = await startServer({ KEYLEDGER_ADMIN_API_KEY: adminApiKey });
    admin = await Admin.connect(server);
  });
  after(async () => {
    await server.dispose();
  });

  it('handles every kind of secret through the API', async () => {
    const instance = server.defaultInstanceId;
    secrets.set('administrator API key', adminApiKey);
    secrets.set('administrator token', admin.token);
    const principal = await admin.createPrincipal('secret-holder');
    await admin.grant(instance, { principalId: principal.id, role: 'Manager' });
    secrets.set('principal API key', principal.apiKey);
    const token = await tokenFor(server.url, principal.apiKey);
    secrets.set('principal token', token);

    const payload = randomBytes(32);
    secrets.set('standard key payload', payload);
    const standard = await admin.createKey(instance, 'standard', { payload: payload.toString('base64') });
    const root = await admin.createKey(instance, 'root');
    const dek = randomBytes(32);
    secrets.set('DEK', dek);
    const wrapped = await call(server, token, 'POST', `/api/v2/keys/${root}/actions/wrap`, {
      instanceId: instance,
      body: { plaintext: dek.toString('base64') },
    });
    assert.equal(wrapped.status, 200, JSON.stringify(wrapped.body));
    const ciphertext = (wrapped.body as { ciphertext: string }).ciphertext;
    const unwrapped = await call(server, token, 'POST', `/api/v2/keys/${root}/actions/unwrap`, {
      instanceId: instance,
      body: { ciphertext },
    });
    assert.equal(unwrapped.status, 200);
    assert.equal((unwrapped.body as { plaintext: string }).plaintext, dek.toString('base64'), 'the DEK comes back');
    const generated = await call(server, token, 'POST', `/api/v2/keys/${root}/actions/wrap`, {
      instanceId: instance,
      body: {},
    });
    assert.equal(generated.status, 200);
    secrets.set('generated DEK', Buffer.from((generated.body as { plaintext: string }).plaintext, 'base64'));

    const subscription = await call(server, admin.token, 'POST', `/admin/v1/instances/${instance}/subscriptions`, {
      body: { url: 'http://127.0.0.1:9/hook' },
    });
    assert.equal(subscription.status, 201);
    secrets.set('webhook secret', (subscription.body as { secret: string }).secret);

    // Responses that must not carry a secret: listings, metadata, the audit trail, key history.
    for (const [path, instanceId, bearer] of [
      ['/api/v2/keys', instance, token],
      [`/api/v2/keys/${standard}/metadata`, instance, token],
      [`/api/v2/keys/${root}/metadata`, instance, token],
      [`/admin/v1/instances/${instance}/audit?limit=1000`, undefined, admin.token],
      [`/admin/v1/instances/_service/audit?limit=1000`, undefined, admin.token],
      [`/admin/v1/instances/${instance}/keys/${standard}/history`, undefined, admin.token],
    ] as const) {
      const res = await call(server, bearer, 'GET', path, instanceId ? { instanceId } : {});
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      responses.push(`${path}\n${JSON.stringify(res.body)}`);
    }
    const get = await call(server, token, 'GET', `/api/v2/keys/${standard}`, { instanceId: instance });
    assert.equal(get.status, 200);
    control = JSON.stringify(get.body);
    assert.equal(await server.stop(), 0, 'a clean stop (the write-ahead log is checkpointed into the files)');
  });

  it('finds none of them in the data directory, the server output, or responses that should not carry them', () => {
    const places: [string, Buffer][] = [
      ...filesUnder(server.dataDir).map((file): [string, Buffer] => [file, readFileSync(file)]),
      ['server output', Buffer.from(server.output(), 'utf8')],
      ...responses.map((text): [string, Buffer] => [text.split('\n')[0] ?? '', Buffer.from(text, 'utf8')]),
    ];
    assert.ok(places.length > 5, places.map(([where]) => where).join(', '));
    const found: string[] = [];
    for (const [what, secret] of secrets)
      for (const spelling of spellings(secret))
        for (const [where, content] of places) if (content.includes(spelling)) found.push(`${what} in ${where}`);
    assert.deepEqual(found, []);
    const payload = secrets.get('standard key payload') ?? '';
    assert.ok(
      spellings(payload).some((spelling) => Buffer.from(control).includes(spelling)),
      'the scan finds the payload where it belongs (GET of the standard key)',
    );
  });
});
