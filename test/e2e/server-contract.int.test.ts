/**
 * The local server's contract (README "The local server") and the edge's error behaviour:
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

  it('answers malformed JSON with 400 BAD_BODY_ERR, a bad field and bad base64 with 400 INVALID_FIELD_ERR', async () => {
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
      'INVALID_FIELD_ERR',
    );
    await expectError(
      await fetch(`${server.url}/api/v2/keys`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ resources: [{ name: 'std', extractable: true, payload: 'not base64!' }] }),
      }),
      400,
      'INVALID_FIELD_ERR',
    );
  });

  it('answers an unknown route with 404 and an oversized body with 413', async () => {
    await expectError(await fetch(`${server.url}/api/v2/nothing-here`, { headers }), 404, 'NOT_FOUND_ERR');
    const res = await fetch(`${server.url}/api/v2/keys`, { method: 'POST', headers, body: 'x'.repeat(200_000) });
    assert.equal(res.status, 413);
  });

  async function createRootKey(name: string): Promise<string> {
    const created = await fetch(`${server.url}/api/v2/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ resources: [{ name, extractable: false }] }),
    });
    assert.equal(created.status, 201);
    return ((await created.json()) as { resources: { id: string }[] }).resources[0]?.id ?? '';
  }

  async function wrap(id: string, aad: string[]): Promise<{ plaintext: string; ciphertext: string; version: string }> {
    const res = await fetch(`${server.url}/api/v2/keys/${id}/actions/wrap`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ aad }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { plaintext: string; ciphertext: string; keyVersion: { id: string } };
    return { plaintext: body.plaintext, ciphertext: body.ciphertext, version: body.keyVersion.id };
  }

  function unwrap(id: string, ciphertext: string, aad: string[]): Promise<Response> {
    return fetch(`${server.url}/api/v2/keys/${id}/actions/unwrap`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ciphertext, aad }),
    });
  }

  it('answers an empty or non-base64 ciphertext with 400 INVALID_FIELD_ERR and a malformed one with 422 UNPROCESSABLE_CIPHERTEXT_ERR', async () => {
    const id = await createRootKey('root');
    await expectError(await unwrap(id, '', []), 400, 'INVALID_FIELD_ERR');
    await expectError(await unwrap(id, 'not base64!', []), 400, 'INVALID_FIELD_ERR');
    for (const ciphertext of [
      'AAAA', // too short for the header
      Buffer.alloc(80, 7).toString('base64'), // long enough, no "KL" magic
      'S0wB' + 'A'.repeat(100), // "KL", format 1, then a key id of zeros
    ])
      await expectError(await unwrap(id, ciphertext, []), 422, 'UNPROCESSABLE_CIPHERTEXT_ERR');
  });

  it("refuses key A's ciphertext at key B, even with a header rewritten to name key B", async () => {
    const a = await createRootKey('key-a');
    const b = await createRootKey('key-b');
    const sealed = await wrap(a, ['ctx']);
    const opened = await unwrap(a, sealed.ciphertext, ['ctx']);
    assert.equal(opened.status, 200);
    assert.equal(((await opened.json()) as { plaintext: string }).plaintext, sealed.plaintext);

    await expectError(await unwrap(b, sealed.ciphertext, ['ctx']), 422, 'UNPROCESSABLE_CIPHERTEXT_ERR');
    // The header names the key and version ("KL" | 0x01 | key id | version id | iv | sealed): forge it to
    // name key B and its latest version; the HSM then opens it with B's key and the authenticated header fails.
    const forged = Buffer.from(sealed.ciphertext, 'base64');
    Buffer.from(b.replace(/-/g, ''), 'hex').copy(forged, 3);
    Buffer.from((await wrap(b, [])).version.replace(/-/g, ''), 'hex').copy(forged, 19);
    await expectError(await unwrap(b, forged.toString('base64'), ['ctx']), 422, 'UNPROCESSABLE_CIPHERTEXT_ERR');
  });

  it('authenticates the AAD list item by item: ["ab"] is not ["a","b"], [] is not [""]', async () => {
    const id = await createRootKey('aad');
    for (const [wrappedWith, unwrappedWith] of [
      [['ab'], ['a', 'b']],
      [['a', 'b'], ['ab']],
      [[], ['']],
      [[''], []],
      [
        ['a', 'b'],
        ['b', 'a'],
      ],
    ] as [string[], string[]][]) {
      const sealed = await wrap(id, wrappedWith);
      await expectError(await unwrap(id, sealed.ciphertext, unwrappedWith), 422, 'UNPROCESSABLE_CIPHERTEXT_ERR');
      const opened = await unwrap(id, sealed.ciphertext, wrappedWith);
      assert.equal(opened.status, 200, JSON.stringify(wrappedWith));
      assert.equal(((await opened.json()) as { plaintext: string }).plaintext, sealed.plaintext);
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
