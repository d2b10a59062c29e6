/**
 * The local server's contract (CONTRACT.md "The local server") and the edge's error behaviour:
 * health, the listening banner, clear 4xx Key Protect error bodies for bad input (never a 500 or a
 * stack trace), and a graceful stop that exits 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, tokenFor, type ServerProcess } from '../support/local-server.ts';

interface ErrorBody {
  metadata: { collectionType: string; collectionTotal: number };
  resources: { errorMsg: string; reasons: { code: string; status: number }[] }[];
}

describe('local server contract', () => {
  let server: ServerProcess;
  let token: string;
  let headers: Record<string, string>;

  before(async () => {
    server = await startServer();
    token = await tokenFor(server.url, server.adminApiKey);
    headers = {
      authorization: `Bearer ${token}`,
      'bluemix-instance': server.defaultInstanceId,
      'content-type': 'application/json',
    };
  });
  after(async () => {
    await server.dispose();
  });

  async function expectError(res: Response, status: number, code: string): Promise<void> {
    assert.equal(res.status, status);
    const body = (await res.json()) as ErrorBody;
    assert.equal(body.metadata.collectionType, 'application/vnd.ibm.kms.error+json');
    assert.equal(body.resources[0]?.reasons[0]?.code, code);
    assert.doesNotMatch(JSON.stringify(body), /at .*\.ts:\d+/, 'no stack trace');
  }

  it('answers GET /health with 200 {"status":"ok"}', async () => {
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('generates an administrator API key at first start, written to the data directory', () => {
    assert.match(server.adminApiKey, /^[A-Za-z0-9_-]{43}$/);
    assert.match(server.output(), /administrator API key/);
    assert.match(server.defaultInstanceId, /^[0-9a-f-]{36}$/);
  });

  it('refuses a missing or forged token with 401 UNAUTHORIZED_ERR', async () => {
    await expectError(
      await fetch(`${server.url}/api/v2/keys`, { headers: { 'bluemix-instance': server.defaultInstanceId } }),
      401,
      'UNAUTHORIZED_ERR',
    );
    const forged = `${token.slice(0, -4)}AAAA`;
    await expectError(
      await fetch(`${server.url}/api/v2/keys`, { headers: { ...headers, authorization: `Bearer ${forged}` } }),
      401,
      'UNAUTHORIZED_ERR',
    );
  });

  it('refuses an unknown instance like a forbidden one', async () => {
    await expectError(
      await fetch(`${server.url}/api/v2/keys`, {
        headers: { ...headers, 'bluemix-instance': '3f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' },
      }),
      401,
      'UNAUTHORIZED_ERR',
    );
  });

  it('answers malformed JSON, bad fields and bad base64 with 400 BAD_BODY_ERR', async () => {
    await expectError(
      await fetch(`${server.url}/api/v2/keys`, { method: 'POST', headers, body: '{"resources": [' }),
      400,
      'BAD_BODY_ERR',
    );
    await expectError(
      await fetch(`${server.url}/api/v2/keys`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ resources: [{ name: 'x' }] }),
      }),
      400,
      'BAD_BODY_ERR',
    );
    await expectError(
      await fetch(`${server.url}/api/v2/keys`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ resources: [{ name: 'std', extractable: true, payload: 'not base64!' }] }),
      }),
      400,
      'BAD_BODY_ERR',
    );
  });

  it('answers an unknown route with 404 and an oversized body with 413', async () => {
    await expectError(await fetch(`${server.url}/api/v2/nothing-here`, { headers }), 404, 'NOT_FOUND_ERR');
    const res = await fetch(`${server.url}/api/v2/keys`, { method: 'POST', headers, body: 'x'.repeat(200_000) });
    assert.equal(res.status, 413);
  });

  it('answers a malformed ciphertext with 422 UNPROCESSABLE_CIPHERTEXT_ERR, not 500', async () => {
    const created = await fetch(`${server.url}/api/v2/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ resources: [{ name: 'root', extractable: false }] }),
    });
    const id = ((await created.json()) as { resources: { id: string }[] }).resources[0]?.id ?? '';
    for (const ciphertext of ['', 'AAAA', Buffer.alloc(80, 7).toString('base64'), 'S0wB' + 'A'.repeat(100)]) {
      const res = await fetch(`${server.url}/api/v2/keys/${id}/actions/unwrap`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ciphertext }),
      });
      assert.ok(
        res.status === 400 || res.status === 422,
        `ciphertext ${JSON.stringify(ciphertext.slice(0, 8))} -> ${res.status}`,
      );
    }
  });

  it('refuses a wrong API key at the token endpoint without saying whether it exists', async () => {
    const res = await fetch(`${server.url}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: 'no-such-key' }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { errorCode: string }).errorCode, 'BXNIM0415E');
  });

  it('echoes correlation-id on every kind of operation, answered or refused, and adds none unasked', async () => {
    const id = 'c0ffee00-1234-4abc-8def-000000000001';
    const keyProtect = { ...headers, 'correlation-id': id };
    const answers = [
      await fetch(`${server.url}/api/v2/keys`, { headers: keyProtect }),
      await fetch(`${server.url}/api/v2/keys/00000000-0000-4000-8000-000000000000`, { headers: keyProtect }),
      await fetch(`${server.url}/api/v2/keys`, { method: 'POST', headers: keyProtect, body: '{' }),
      await fetch(`${server.url}/api/v2/keys`, { headers: { ...keyProtect, authorization: 'Bearer x' } }),
      await fetch(`${server.url}/admin/v1/instances/${server.defaultInstanceId}/audit?limit=1`, {
        headers: keyProtect,
      }),
      await fetch(`${server.url}/admin/v1/principals`, { method: 'POST', headers: keyProtect, body: '{}' }),
      await fetch(`${server.url}/identity/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'correlation-id': id },
        body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: 'not-a-key-0123' }),
      }),
      await fetch(`${server.url}/health`, { headers: { 'correlation-id': id } }),
    ];
    assert.deepEqual(
      answers.map((res) => res.status),
      [200, 404, 400, 401, 200, 400, 400, 200],
    );
    for (const res of answers) assert.equal(res.headers.get('correlation-id'), id, `${res.url} ${res.status}`);
    const unasked = await fetch(`${server.url}/api/v2/keys`, { headers });
    assert.equal(unasked.headers.get('correlation-id'), null);
  });

  it('stops gracefully on SIGTERM with exit code 0, and the same data directory serves again', async () => {
    assert.equal(await server.stop(), 0);
    server = await server.restart();
    const res = await fetch(`${server.url}/api/v2/keys`, {
      headers: { ...headers, authorization: `Bearer ${await tokenFor(server.url, server.adminApiKey)}` },
    });
    assert.equal(res.status, 200);
  });
});
