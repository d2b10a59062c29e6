import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IamAuthenticator } from '@ibm-cloud/ibm-key-protect/auth/index.js';
import KeyProtect from '@ibm-cloud/ibm-key-protect/ibm-key-protect-api/v2.js';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startServer, tokenFor, type ServerProcess } from '../support/local-server.ts';
import { OpenApiContract, type Exchange } from '../support/openapi-contract.ts';

/**
 * GET /openapi.json against the running server: the document validates, it is the one in docs/, every
 * route it lists is served, and every request below and every answer to it conforms to it.
 */

const KEY_TYPE = 'application/vnd.ibm.kms.key+json';
const ROOT_MATERIAL = Buffer.alloc(32, 7).toString('base64');

/** The SDK's typings declare request bodies as Buffer | ReadableStream, but it sends plain objects as JSON. */
const sdkBody = (value: object): Buffer => value as unknown as Buffer;

function parsed(raw: Buffer, type: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (type?.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return JSON.parse(text) as unknown;
}

/** An HTTP proxy in front of the server that records each request and its answer, as the client sent them. */
async function recordingProxy(target: string, exchanges: Exchange[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const sent = Buffer.concat(chunks);
      const upstream = httpRequest(
        new URL(req.url ?? '/', target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          const back: Buffer[] = [];
          answer.on('data', (c: Buffer) => back.push(c));
          answer.on('end', () => {
            const received = Buffer.concat(back);
            const headers = Object.fromEntries(
              Object.entries(req.headers).flatMap(([k, v]) =>
                typeof v === 'string' &&
                ![
                  'host',
                  'content-type',
                  'content-length',
                  'connection',
                  'user-agent',
                  'accept',
                  'accept-encoding',
                ].includes(k)
                  ? [[k, v]]
                  : [],
              ),
            );
            exchanges.push({
              method: req.method ?? 'GET',
              url: req.url ?? '/',
              headers,
              body: parsed(sent, req.headers['content-type']),
              contentType: req.headers['content-type'],
              status: answer.statusCode ?? 0,
              responseBody: received.length ? (JSON.parse(received.toString('utf8')) as unknown) : null,
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(received);
          });
        },
      );
      upstream.end(sent);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('OpenAPI document', () => {
  let server: ServerProcess;
  let admin: string;
  let contract: OpenApiContract;
  const exchanges: Exchange[] = [];

  /** Sends a request, records it with its answer, and fails on any departure from the document. */
  async function send(
    method: string,
    url: string,
    options: {
      token?: string;
      instance?: string;
      body?: unknown;
      form?: URLSearchParams;
      headers?: Record<string, string>;
      /** Check only the answer: the request is incomplete on purpose. */
      answerOnly?: boolean;
    } = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.instance ? { 'bluemix-instance': options.instance } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...options.headers,
    };
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.form ? { body: options.form } : {}),
    }).catch((e: unknown) => {
      throw new Error(`${method} ${url}: ${String((e as { cause?: unknown }).cause ?? e)}`);
    });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : null;
    const exchange: Exchange = {
      method,
      url,
      headers: Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'content-type')),
      body: options.form ? Object.fromEntries(options.form) : options.body,
      contentType: headers['content-type'],
      status: res.status,
      responseBody: body,
    };
    exchanges.push(exchange);
    assert.deepEqual(
      contract.problems(exchange, options.answerOnly),
      [],
      `${method} ${url} -> ${res.status} ${text.slice(0, 300)}`,
    );
    return { status: res.status, body, headers: res.headers };
  }

  before(async () => {
    // One attempt per webhook delivery: the walkthrough's delivery to a closed port becomes a dead letter at once.
    server = await startServer({ KEYLEDGER_WEBHOOK_MAX_ATTEMPTS: '1' });
    admin = await tokenFor(server.url, server.adminApiKey);
    const res = await fetch(`${server.url}/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    contract = new OpenApiContract((await res.json()) as Record<string, unknown>);
  });
  after(async () => server.dispose());

  it('is a valid OpenAPI 3.1 document, and the one docs/openapi.json holds', async () => {
    const result = await new Validator().validate(contract.document);
    assert.deepEqual(result, { valid: true });
    assert.equal(contract.document.openapi, '3.1.0');
    const written = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as unknown;
    assert.deepEqual(contract.document, written, 'docs/openapi.json is stale: run npm run openapi');
  });

  it('lists the Key Protect, identity and administration routes', () => {
    const listed = Object.entries(contract.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // A sample written out, one per area; the sweep below checks that each listed route is served.
    for (const route of [
      'POST /identity/token',
      'GET /api/v2/keys',
      'HEAD /api/v2/keys',
      'POST /api/v2/keys/{id}/actions/wrap',
      'PUT /api/v2/instance/policies',
      'DELETE /api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
      'POST /api/v2/import_token',
      'GET /admin/v1/instances/{instanceId}/audit/verify',
      'GET /admin/v1/audit/reconciliation',
      'POST /admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/secret',
      'GET /admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/dead-letters',
      'POST /admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/dead-letters/{deadLetterId}/redeliver',
      'GET /openapi.json',
    ])
      assert.ok(listed.includes(route), `${route} missing`);
    const keys = contract.paths['/api/v2/keys']?.get;
    const names = keys?.parameters?.map((p) => `${p.in}:${p.name}`);
    assert.deepEqual(names, [
      'query:state',
      'query:extractable',
      'query:filter',
      'query:search',
      'query:sort',
      'query:limit',
      'query:offset',
      'query:totalCount',
      'header:bluemix-instance',
      'header:x-kms-key-ring',
      'header:correlation-id',
    ]);
  });

  it('describes only routes the server serves: each answers with a documented status and body', async () => {
    const instance = server.defaultInstanceId;
    const created = await send('POST', '/api/v2/keys', {
      token: admin,
      instance,
      body: {
        metadata: { collectionType: KEY_TYPE, collectionTotal: 1 },
        resources: [{ type: KEY_TYPE, name: 'sweep' }],
      },
    });
    const keyId = (created.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
    // Reads first, then writes, deletes last, so most requests reach the operation itself.
    const order = { head: 0, get: 1, post: 2, put: 3, patch: 4, delete: 5 } as Record<string, number>;
    const routes = Object.entries(contract.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ path, method })))
      .sort((a, b) => (order[a.method] ?? 9) - (order[b.method] ?? 9));
    for (const { path, method } of routes) {
      const url = path
        .replace('{id}', keyId)
        .replace('{instanceId}', instance)
        .replace('{keyId}', keyId)
        .replace(/\{[^}]+\}/g, 'sweep-param');
      // Sent without a body or query: many are refused, and the refusal must be as documented.
      const res = await send(method.toUpperCase(), url, { token: admin, instance, answerOnly: true });
      const reason = (res.body as { resources?: { reasons?: { code?: string }[] }[] } | null)?.resources?.[0]
        ?.reasons?.[0]?.code;
      assert.ok(
        !['NOT_FOUND_ERR', 'METHOD_NOT_ALLOWED_ERR', 'NOT_IMPLEMENTED_ERR'].includes(reason ?? '') &&
          res.status !== 501,
        `${method.toUpperCase()} ${path} is documented but not served: ${res.status} ${reason}`,
      );
    }
    // And a route the document does not list is not served either.
    const unknown = await fetch(`${server.url}/api/v2/keys/${keyId}/actions/explode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'bluemix-instance': instance },
    });
    assert.equal(unknown.status, 404);
  });

  it('a day of key management: every request and every answer conforms', async () => {
    const instance = (
      await send('POST', '/admin/v1/instances', { token: admin, body: { name: 'openapi walkthrough' } })
    ).body as { id: string };
    const principal = (await send('POST', '/admin/v1/principals', { token: admin, body: { name: 'writer' } })).body as {
      id: string;
      apiKey: string;
    };
    await send('POST', `/admin/v1/instances/${instance.id}/access`, {
      token: admin,
      body: { principalId: principal.id, role: 'Manager' },
    });
    await send('GET', `/admin/v1/instances/${instance.id}/access`, { token: admin });
    const token = (
      await send('POST', '/identity/token', {
        form: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: principal.apiKey }),
      })
    ).body as { access_token: string };
    const as = { token: token.access_token, instance: instance.id, headers: { 'correlation-id': 'openapi-test' } };
    const wrongKey = await send('POST', '/identity/token', {
      form: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: 'not-a-key' }),
    });
    assert.equal(wrongKey.status, 400);

    assert.equal((await send('POST', '/api/v2/key_rings/payments', as)).status, 201);
    await send('GET', '/api/v2/key_rings', as);
    const rootBody = (name: string, extra: Record<string, unknown> = {}) => ({
      metadata: { collectionType: KEY_TYPE, collectionTotal: 1 },
      resources: [{ type: KEY_TYPE, name, extractable: false, ...extra }],
    });
    const root = await send('POST', '/api/v2/keys', {
      ...as,
      headers: { ...as.headers, 'x-kms-key-ring': 'payments', prefer: 'return=representation' },
      body: rootBody('orders-root', { description: 'orders', aliases: ['orders'] }),
    });
    const rootId = (root.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
    await send('POST', '/api/v2/keys', {
      ...as,
      headers: { ...as.headers, prefer: 'return=minimal' },
      body: rootBody('minimal'),
    });
    const imported = await send('POST', '/api/v2/keys', {
      ...as,
      body: rootBody('imported', { payload: ROOT_MATERIAL }),
    });
    const importedId = (imported.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
    const standard = await send('POST', '/api/v2/keys', {
      ...as,
      body: {
        metadata: { collectionType: KEY_TYPE, collectionTotal: 1 },
        resources: [
          { type: KEY_TYPE, name: 'standard', extractable: true, payload: Buffer.from('secret').toString('base64') },
        ],
      },
    });
    const standardId = (standard.body as { resources: { id: string }[] }).resources[0]?.id ?? '';

    await send('GET', '/api/v2/keys?limit=2&offset=0&totalCount=true&state=0,1,2,3', as);
    await send('GET', '/api/v2/keys?extractable=false', as);
    // Key Protect's sort, search and filter: each answer is a documented key collection.
    const sorted = await send('GET', '/api/v2/keys?sort=-creationDate,id&limit=10', as);
    const names = (sorted.body as { resources: { name: string }[] }).resources.map((k) => k.name);
    assert.deepEqual(names, ['standard', 'imported', 'minimal', 'orders-root'], 'newest first');
    const found = await send('GET', `/api/v2/keys?search=${encodeURIComponent('alias:orders')}`, as);
    assert.deepEqual(
      (found.body as { resources: { id: string }[] }).resources.map((k) => k.id),
      [rootId],
    );
    const filtered = await send(
      'GET',
      `/api/v2/keys?filter=${encodeURIComponent(`extractable=false creationDate=gte:"${new Date(0).toISOString()}"`)}`,
      as,
    );
    assert.equal((filtered.body as { resources: unknown[] }).resources.length, 3, 'the three root keys');
    await send('HEAD', `/api/v2/keys?filter=${encodeURIComponent('state=1 extractable=true')}`, as);
    for (const bad of ['sort=color', 'search=', 'filter=color=red', 'filter=state=1&state=1']) {
      const refused = await send('GET', `/api/v2/keys?${bad}`, as);
      assert.equal(refused.status, 400, `${bad}: ${JSON.stringify(refused.body)}`);
    }
    const head = await send('HEAD', '/api/v2/keys?state=1', as);
    assert.match(head.headers.get('key-total') ?? '', /^\d+$/);
    await send('GET', `/api/v2/keys/${standardId}`, as);
    await send('GET', `/api/v2/keys/${rootId}/metadata`, as);
    await send('GET', '/api/v2/keys/orders', as);

    const wrapped = (await send('POST', `/api/v2/keys/${rootId}/actions/wrap`, { ...as, body: { aad: ['ctx'] } }))
      .body as { ciphertext: string };
    await send('POST', `/api/v2/keys/${rootId}/actions/rotate`, { ...as, body: {} });
    await send('POST', `/api/v2/keys/${rootId}/actions/rotate`, {
      ...as,
      headers: { ...as.headers, prefer: 'return=representation' },
    });
    await send('POST', `/api/v2/keys/${importedId}/actions/rotate`, { ...as, body: { payload: ROOT_MATERIAL } });
    await send('GET', `/api/v2/keys/${rootId}/versions?totalCount=true`, as);
    await send('POST', `/api/v2/keys/${rootId}/actions/unwrap`, {
      ...as,
      body: { ciphertext: wrapped.ciphertext, aad: ['ctx'] },
    });
    await send('POST', `/api/v2/keys/${rootId}/actions/rewrap`, {
      ...as,
      body: { ciphertext: wrapped.ciphertext, aad: ['ctx'] },
    });
    await send('POST', `/api/v2/keys/${rootId}/actions/wrap`, {
      ...as,
      body: { plaintext: Buffer.alloc(32, 1).toString('base64') },
    });
    const badWrap = await send('POST', `/api/v2/keys/${rootId}/actions/unwrap`, {
      ...as,
      body: { ciphertext: 'nope' },
    });
    assert.equal(badWrap.status >= 400 && badWrap.status < 500, true);

    await send('POST', `/api/v2/keys/${rootId}/aliases/billing`, as);
    await send('DELETE', `/api/v2/keys/${rootId}/aliases/billing`, as);
    await send('PUT', `/api/v2/keys/${rootId}/policies?policy=rotation`, {
      ...as,
      body: {
        metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
        resources: [{ type: 'application/vnd.ibm.kms.policy+json', rotation: { interval_month: 3 } }],
      },
    });
    await send('GET', `/api/v2/keys/${rootId}/policies`, as);
    await send('PUT', '/api/v2/instance/policies?policy=dualAuthDelete', {
      ...as,
      body: {
        metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
        resources: [{ policy_type: 'dualAuthDelete', policy_data: { enabled: false } }],
      },
    });
    await send('GET', '/api/v2/instance/policies', as);
    await send('GET', '/api/v2/instance/allowed_ip_port', as);

    const crn = encodeURIComponent('crn:v1:bluemix:public:cloud-object-storage:global:a/1:bucket:orders');
    await send('POST', `/api/v2/keys/${rootId}/registrations/${crn}`, { ...as, body: { description: 'bucket' } });
    await send('PATCH', `/api/v2/keys/${rootId}/registrations/${crn}`, { ...as, body: { preventKeyDeletion: false } });
    await send('GET', `/api/v2/keys/${rootId}/registrations?totalCount=true`, as);
    await send('GET', '/api/v2/keys/registrations?limit=10', as);
    await send('DELETE', `/api/v2/keys/${rootId}/registrations/${crn}`, as);

    await send('POST', '/api/v2/import_token', { ...as, body: { expiration: 600, maxAllowedRetrievals: 2 } });
    await send('GET', '/api/v2/import_token', as);

    await send('POST', `/api/v2/keys/${rootId}/actions/disable`, as);
    await send('POST', `/api/v2/keys/${rootId}/actions/enable`, as);
    await send('PATCH', `/api/v2/keys/${rootId}`, { ...as, body: { keyRingID: 'default' } });
    await send('DELETE', `/api/v2/keys/${importedId}`, {
      ...as,
      headers: { ...as.headers, prefer: 'return=representation' },
    });
    await send('POST', `/api/v2/keys/${importedId}/restore`, { ...as, body: undefined });
    await send('DELETE', `/api/v2/keys/${standardId}?force=true`, as);
    const purge = await send('DELETE', `/api/v2/keys/${standardId}/purge`, as);
    assert.equal(purge.status >= 400, true, 'a key deleted just now cannot be purged yet');

    await send('GET', `/admin/v1/instances/${instance.id}/keys/${rootId}/history`, { token: admin });
    await send('GET', `/admin/v1/instances/${instance.id}/keys/${rootId}/history?at=${new Date().toISOString()}`, {
      token: admin,
    });
    await send('GET', `/admin/v1/instances/${instance.id}/audit?limit=5&outcome=success`, { token: admin });
    const verified = await send('GET', `/admin/v1/instances/${instance.id}/audit/verify`, { token: admin });
    assert.equal((verified.body as { valid: boolean }).valid, true);
    const sub = await send('POST', `/admin/v1/instances/${instance.id}/subscriptions`, {
      token: admin,
      body: { url: 'http://127.0.0.1:9/hook', events: ['key.created', 'key.rotated'] },
    });
    const subscription = `/admin/v1/instances/${instance.id}/subscriptions/${(sub.body as { id: string }).id}`;
    const rotated = await send('POST', `${subscription}/secret`, { token: admin, body: { overlapS: 60 } });
    assert.equal(rotated.status, 201);
    await send('POST', `${subscription}/secret`, { token: admin });
    const refusedOverlap = await send('POST', `${subscription}/secret`, {
      token: admin,
      body: { overlapS: -1 },
      answerOnly: true,
    });
    assert.equal(refusedOverlap.status, 400);
    // A key created now is delivered to the subscription's closed port, once, and dead-lettered.
    assert.equal((await send('POST', '/api/v2/keys', { ...as, body: rootBody('dead-letter') })).status, 201);
    let letter: { id: string } | undefined;
    for (const deadline = Date.now() + 30_000; !letter; await new Promise((r) => setTimeout(r, 50))) {
      assert.ok(Date.now() < deadline, 'the delivery to a closed port was not dead-lettered within 30 s');
      const letters = await send('GET', `${subscription}/dead-letters`, { token: admin });
      letter = (letters.body as { deadLetters: { id: string }[] }).deadLetters[0];
    }
    const redelivered = await send('POST', `${subscription}/dead-letters/${letter.id}/redeliver`, { token: admin });
    assert.equal(redelivered.status, 202);
    const unknownLetter = await send('POST', `${subscription}/dead-letters/no-such-letter/redeliver`, {
      token: admin,
    });
    assert.equal(unknownLetter.status, 404);
    await send('DELETE', subscription, { token: admin });
    const reconciliation = await send('GET', '/admin/v1/audit/reconciliation', { token: admin });
    assert.deepEqual((reconciliation.body as { missing: unknown[] }).missing, []);
    await send('POST', `/admin/v1/principals/${principal.id}/api-key`, { token: admin });
    await send('DELETE', `/admin/v1/principals/${principal.id}/api-key`, { token: admin });
    await send('GET', '/health');

    const reached = new Set(
      exchanges.map((e) => contract.match(e.method, new URL(e.url, 'http://x').pathname)?.operation.operationId),
    );
    assert.ok(reached.size >= 45, `the walkthrough and sweep reached ${reached.size} operations`);
  });

  it("the official Key Protect SDK's requests, and the answers to them, conform", async () => {
    const recorded: Exchange[] = [];
    const proxy = await recordingProxy(server.url, recorded);
    try {
      const sdk = new KeyProtect({
        authenticator: new IamAuthenticator({ apikey: server.adminApiKey, url: proxy.url }),
        serviceUrl: proxy.url,
      });
      const bluemixInstance = server.defaultInstanceId;
      const keyBody = (name: string, extractable: boolean) =>
        sdkBody({
          metadata: { collectionType: KEY_TYPE, collectionTotal: 1 },
          resources: [{ type: KEY_TYPE, name, extractable }],
        });
      await sdk.createKeyRing({ bluemixInstance, keyRingId: 'sdk-ring' });
      await sdk.listKeyRings({ bluemixInstance });
      const root = await sdk.createKey({
        bluemixInstance,
        prefer: 'return=representation',
        xKmsKeyRing: 'sdk-ring',
        body: keyBody('sdk-root', false),
      });
      const id = root.result.resources?.[0]?.id ?? '';
      const standard = await sdk.createKey({ bluemixInstance, body: keyBody('sdk-standard', true) });
      await sdk.getKeys({ bluemixInstance, limit: 5, offset: 0, state: [0, 1, 2, 3], extractable: false });
      await sdk.getKeyCollectionMetadata({ bluemixInstance, state: [1] });
      await sdk.getKey({ bluemixInstance, id: standard.result.resources?.[0]?.id ?? '' });
      await sdk.getKeyMetadata({ bluemixInstance, id });
      const wrapped = await sdk.wrapKey({ bluemixInstance, id, keyActionWrapBody: sdkBody({ aad: ['sdk'] }) });
      await sdk.rotateKey({ bluemixInstance, id });
      await sdk.getKeyVersions({ bluemixInstance, id, limit: 10 });
      await sdk.unwrapKey({
        bluemixInstance,
        id,
        keyActionUnwrapBody: sdkBody({ ciphertext: wrapped.result.ciphertext, aad: ['sdk'] }),
      });
      await sdk.rewrapKey({
        bluemixInstance,
        id,
        keyActionRewrapBody: sdkBody({ ciphertext: wrapped.result.ciphertext, aad: ['sdk'] }),
      });
      await sdk.createKeyAlias({ bluemixInstance, id, alias: 'sdk-alias' });
      await sdk.deleteKeyAlias({ bluemixInstance, id, alias: 'sdk-alias' });
      await sdk.putPolicy({
        bluemixInstance,
        id,
        policy: 'rotation',
        setKeyPoliciesOneOf: sdkBody({
          metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
          resources: [{ type: 'application/vnd.ibm.kms.policy+json', rotation: { enabled: true, interval_month: 3 } }],
        }),
      });
      await sdk.getPolicy({ bluemixInstance, id });
      await sdk.getInstancePolicy({ bluemixInstance });
      await sdk.disableKey({ bluemixInstance, id });
      await assert.rejects(sdk.enableKey({ bluemixInstance, id }), 'too early after the disable: a 409');
      await sdk.getRegistrationsAllKeys({ bluemixInstance, limit: 10 });
      await sdk.deleteKey({ bluemixInstance, id, prefer: 'return=representation' });
      await assert.rejects(sdk.restoreKey({ bluemixInstance, id }), 'only imported keys can be restored');
      await assert.rejects(sdk.getKey({ bluemixInstance, id: '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b' }));
    } finally {
      await new Promise((resolve) => proxy.server.close(resolve));
    }
    assert.ok(recorded.length >= 24, `${recorded.length} requests recorded`);
    assert.ok(
      recorded.some((e) => e.url === '/identity/token'),
      'the SDK exchanged its API key through the proxy',
    );
    assert.deepEqual(
      recorded.flatMap((e) => contract.problems(e)),
      [],
    );
  });
});
