/**
 * A bounded fuzz suite over every operation of functions/api/operations.ts, against the real server over
 * raw HTTP: fast-check picks an operation, fills its path parameters with arbitrary text, and sends it with
 * the operation's method or an odd one, an arbitrary query, and a body that is malformed JSON, arbitrary
 * JSON, Key Protect-shaped JSON with wrong types, huge and negative numbers, unicode and NUL, `__proto__` /
 * `constructor` keys, or over the size limit, under an odd content type. Every answer is below 500 and
 * carries a Key Protect error body when it is an error; every request that reached an audited operation
 * yields exactly one audit record; the server keeps serving. Bounded by count and time; fast-check prints
 * the seed and the shrunk counterexample of a failure (replay with `seed` and `path`).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { allOperations, type OperationDefinition } from '../../functions/api/operations.ts';
import { Admin, call } from '../support/access-helpers.ts';
import { auditRecordsSince, countByCorrelation } from '../support/audit-records.ts';
import { startServer, type ServerProcess } from '../support/local-server.ts';
import { rawRequest, reasonIn } from '../support/raw-http.ts';

/** Operations that leave no audit record: probes anyone may send. */
const NOT_AUDITED = new Set(['health', 'openapi']);

const RUNS = 300;
const TIME_LIMIT_MS = 150_000;

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\uFEFF', '\uD800', '😀', '../..', '%00', "' OR 1=1 --", '<script>'),
);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 53), 1e308, -1e308, 1e-308));
const key = fc.oneof(
  text,
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'metadata', 'resources', 'name', 'payload', 'type'),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;
/** Key Protect's collection envelope around arbitrary resources: the schemas must refuse, not crash. */
const kpShaped = fc
  .record({
    metadata: fc.record({
      collectionType: fc.oneof(text, fc.constant('application/vnd.ibm.kms.key+json')),
      collectionTotal: number,
    }),
    resources: fc.array(fc.dictionary(key, value, { maxKeys: 6 }), { maxLength: 3 }),
  })
  .map((body) => JSON.stringify(body));
const body = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '{"a":',
    '"\u0000"',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
  ),
  fc.json({ maxDepth: 3 }),
  value.map((v) => JSON.stringify(v) ?? ''),
  kpShaped,
  fc.constant(`{"x":"${'a'.repeat(70 * 1024)}"}`),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/vnd.ibm.kms.key+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  undefined,
);
const query = fc.dictionary(
  fc.constantFrom(
    'limit',
    'offset',
    'state',
    'extractable',
    'force',
    'policy',
    'totalCount',
    'at',
    'from',
    'cursor',
    'x',
  ),
  fc.oneof(text, number.map(String)),
  { maxKeys: 3 },
);
const method = (operation: OperationDefinition) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(operation.method) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'),
    },
  );

/** The token exchange answers as IBM IAM does: `{errorCode, errorMessage}`. */
function iamErrorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { errorCode?: string }).errorCode;
  } catch {
    return undefined;
  }
}

interface Sent {
  readonly correlationId: string;
  readonly operation: OperationDefinition;
  readonly target: string;
  readonly method: string;
  readonly status: number;
  readonly body: string;
}

void describe('fuzz suite: every operation over raw HTTP', () => {
  let server: ServerProcess;
  let admin: Admin;
  let host: string;
  const sent: Sent[] = [];

  before(async () => {
    server = await startServer();
    admin = await Admin.connect(server);
    host = new URL(server.url).host;
  });
  after(async () => {
    await server.dispose();
  });

  it(`answers below 500 with a Key Protect error body, and audits each request once (${RUNS} requests at most)`, async () => {
    const from = new Date().toISOString();
    const request = fc.constantFrom(...allOperations).chain((operation) =>
      fc.record({
        operation: fc.constant(operation),
        method: method(operation),
        params: fc.array(
          fc.oneof(
            {
              weight: 5,
              arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
            },
            { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%', '%zz', '%00', '%2F', '%C0%AF') },
          ),
          { minLength: 4, maxLength: 4 },
        ),
        query,
        body,
        contentType,
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        // Each parameter percent-encoded (or malformed on purpose), so the request reaches the operation's route.
        const path = r.operation.path.replace(/\{[^}]+\}/g, () => r.params[i++] ?? 'x');
        const search = new URLSearchParams(r.query).toString();
        const target = search ? `${path}?${search}` : path;
        const correlationId = randomUUID();
        const payload = Buffer.from(r.body, 'utf8');
        const head = [
          `${r.method} ${target} HTTP/1.1`,
          `host: ${host}`,
          `authorization: Bearer ${admin.token}`,
          `bluemix-instance: ${server.defaultInstanceId}`,
          `correlation-id: ${correlationId}`,
          'connection: close',
          ...(r.contentType ? [`content-type: ${r.contentType}`] : []),
          `content-length: ${payload.length}`,
          '',
          '',
        ].join('\r\n');
        const res = await rawRequest(server.url, Buffer.concat([Buffer.from(head, 'latin1'), payload]), 30_000);
        assert.ok(res, `${r.method} ${target}: answered`);
        assert.ok(res.status < 500, `${r.method} ${target}: ${res.status} ${res.body.slice(0, 300)}`);
        if (res.status >= 400 && r.method !== 'HEAD')
          assert.ok(
            reasonIn(res.body) ?? (r.operation.name === 'identity.token' ? iamErrorCode(res.body) : undefined),
            `${r.method} ${target}: a Key Protect (or, from the token exchange, IAM) error body: ${res.body.slice(0, 300)}`,
          );
        sent.push({
          correlationId,
          operation: r.operation,
          target,
          method: r.method,
          status: res.status,
          body: res.body,
        });
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true },
    );
    console.log(`fuzz: ${sent.length} requests, ${new Set(sent.map((s) => s.operation.name)).size} operations`);

    // The server keeps serving.
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    const list = await call(server, admin.token, 'GET', '/api/v2/keys', { instanceId: server.defaultInstanceId });
    assert.equal(list.status, 200);

    // One audit record per request that reached an operation (the method matched its route); the two probes,
    // health and the API description, are not audited (README "Audit trail").
    // A created instance files its creation under its own chain.
    const created = sent
      .filter((s) => s.operation.name === 'admin.createInstance' && s.status === 201)
      .map((s) => (JSON.parse(s.body) as { id: string }).id);
    const chains = ['_service', server.defaultInstanceId, ...created];
    const counts = countByCorrelation(await auditRecordsSince(server, admin.token, chains, from));
    for (const s of sent) {
      if (s.method !== s.operation.method || NOT_AUDITED.has(s.operation.name)) continue;
      assert.equal(counts.get(s.correlationId) ?? 0, 1, `${s.method} ${s.target} (${s.status}): one audit record`);
    }
  });
});
