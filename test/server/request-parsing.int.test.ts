/**
 * Requests that no well-behaved client sends, sent byte for byte: malformed percent-encoding in every
 * route's path parameters, paths that differ from a route only by their spelling (`//x/api/v2/keys`),
 * CONNECT, broken chunked bodies and request lines. Each gets a 4xx with a Key Protect error body
 * (never a 500, never a closed connection without an answer), a request that reaches a route gets
 * exactly one audit record, and the server keeps serving.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { allOperations } from '../../functions/api/operations.ts';
import { Admin } from '../support/access-helpers.ts';
import { auditRecordsSince, countByCorrelation } from '../support/audit-records.ts';
import { startServer, type ServerProcess } from '../support/local-server.ts';
import { rawRequest, reasonIn } from '../support/raw-http.ts';

const MALFORMED = '%E0%A4%A';

describe('request parsing', () => {
  let server: ServerProcess;
  let admin: Admin;
  let host: string;

  before(async () => {
    server = await startServer();
    admin = await Admin.connect(server);
    host = new URL(server.url).host;
  });
  after(async () => {
    await server.dispose();
  });

  const request = (method: string, target: string, headers: Record<string, string> = {}, body = ''): string =>
    [
      `${method} ${target} HTTP/1.1`,
      `host: ${host}`,
      `authorization: Bearer ${admin.token}`,
      `bluemix-instance: ${server.defaultInstanceId}`,
      'connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ...(body === '' && !('transfer-encoding' in headers) ? [] : ['content-type: application/json']),
      ...(body === '' || 'transfer-encoding' in headers ? [] : [`content-length: ${Buffer.byteLength(body)}`]),
      '',
      body,
    ].join('\r\n');

  it('malformed percent-encoding in any path parameter: a 4xx with a Key Protect error body, audited once', async () => {
    const from = new Date().toISOString();
    const sent = new Map<string, string>();
    const parameterised = allOperations.filter((route) => route.path.includes('{'));
    assert.ok(parameterised.length >= 38, `${parameterised.length} routes with a path parameter`);
    for (const route of parameterised) {
      const target = route.path.replace(/\{[^}]+\}/g, MALFORMED);
      const correlationId = randomUUID();
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? '{}' : '';
      const res = await rawRequest(
        server.url,
        request(route.method, target, { 'correlation-id': correlationId }, body),
      );
      const what = `${route.method} ${target}`;
      assert.ok(res, `${what}: answered`);
      assert.ok(res.status >= 400 && res.status < 500, `${what}: ${res.status} ${res.body}`);
      if (route.method !== 'HEAD') assert.ok(reasonIn(res.body), `${what}: a Key Protect error body: ${res.body}`);
      sent.set(correlationId, what);
    }
    const counts = countByCorrelation(
      await auditRecordsSince(server, admin.token, [server.defaultInstanceId, '_service'], from),
    );
    for (const [correlationId, what] of sent) assert.equal(counts.get(correlationId), 1, `${what}: one audit record`);
  });

  it('a body over 64 KiB: 413 BAD_BODY_ERR from the handler, audited once', async () => {
    const from = new Date().toISOString();
    const correlationId = randomUUID();
    const body = `{"x":"${'a'.repeat(64 * 1024)}"}`;
    const res = await rawRequest(
      server.url,
      request('POST', '/api/v2/keys', { 'correlation-id': correlationId }, body),
    );
    assert.ok(res, 'answered');
    assert.equal(res.status, 413, res.body);
    assert.equal(reasonIn(res.body), 'BAD_BODY_ERR');
    const counts = countByCorrelation(await auditRecordsSince(server, admin.token, [server.defaultInstanceId], from));
    assert.equal(counts.get(correlationId), 1);
  });

  it('paths are matched exactly as received: a different spelling of a route is not that route', async () => {
    for (const target of [
      '//x/api/v2/keys',
      '//api/v2/keys',
      '/api/v2//keys',
      '/api/v2/keys/',
      '/api/v2/./keys',
      '/api/v2/x/../keys',
      '/api/v2/%6beys',
      '/API/v2/keys',
      'http://other/api/v2/keys',
      '*',
    ]) {
      const res = await rawRequest(server.url, request('GET', target));
      assert.ok(res, `${target}: answered`);
      assert.equal(res.status, 404, `${target}: ${res.status} ${res.body}`);
      assert.equal(reasonIn(res.body), 'NOT_FOUND_ERR', target);
    }
  });

  it('CONNECT and an unknown method get an answer with a Key Protect error body', async () => {
    for (const [method, target] of [
      ['CONNECT', `${host}`],
      ['CONNECT', '/api/v2/keys'],
      ['TRACE', '/api/v2/keys'],
      ['PROPFIND', '/api/v2/keys'],
    ] as const) {
      const res = await rawRequest(server.url, request(method, target));
      assert.ok(res, `${method} ${target}: answered`);
      assert.ok([404, 405].includes(res.status), `${method} ${target}: ${res.status} ${res.body}`);
      assert.ok(reasonIn(res.body), `${method} ${target}: ${res.body}`);
    }
  });

  it('a malformed chunked body, a broken request line or oversized headers: 400/431 with an error body, nothing unhandled', async () => {
    const before = server.output();
    const chunked = await rawRequest(
      server.url,
      request('POST', '/api/v2/keys', { 'transfer-encoding': 'chunked' }, 'zz\r\n{}\r\n0\r\n\r\n'),
    );
    assert.ok(chunked, 'malformed chunk size: answered');
    assert.equal(chunked.status, 400, chunked.body);
    assert.ok(reasonIn(chunked.body), chunked.body);
    const truncated = await rawRequest(
      server.url,
      request('POST', '/api/v2/keys', { 'transfer-encoding': 'chunked' }, '5\r\n{}\r\n0\r\n\r\n'),
    );
    assert.ok(truncated, 'wrong chunk length: answered');
    assert.equal(truncated.status, 400, truncated.body);
    const requestLine = await rawRequest(server.url, 'GET /api/v2/keys HTTP/1.1 extra\r\nhost: x\r\n\r\n');
    assert.ok(requestLine, 'broken request line: answered');
    assert.equal(requestLine.status, 400);
    assert.ok(reasonIn(requestLine.body), requestLine.body);
    const huge = await rawRequest(server.url, request('GET', '/api/v2/keys', { 'x-big': 'a'.repeat(20_000) }));
    assert.ok(huge, 'oversized headers: answered');
    assert.equal(huge.status, 431);
    assert.ok(reasonIn(huge.body), huge.body);
    assert.doesNotMatch(server.output().slice(before.length), /unhandled/i);
    assert.equal((await fetch(`${server.url}/health`)).status, 200, 'the server keeps serving');
  });
});
