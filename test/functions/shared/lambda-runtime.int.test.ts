/**
 * The AWS runtime of the API functions (functions/shared/lambda-runtime.ts) and the generated group
 * entries, against DynamoDB Local and the crypto function handler in process (the Lambda invoke is the
 * only thing replaced): the token exchange's function publishes the signing key in the JWKS item; the
 * authorizer and an API function started before that publication both accept its tokens; the group
 * entries serve the token exchange and key creation with audit records on the audit table; after a
 * signing-key rotation the token exchange publishes the new key and the retired ones still valid. Each test
 * deploys on tables of its own, so any one runs alone.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import {
  SIGNING_KEY_LABEL,
  signToken,
  TokenRejectedError,
  tokenRulesFromEnv,
  TokenVerifier,
} from '../../../application/identity/tokens.ts';
import { createAuditTable } from '../../../events/audit/dynamodb/create-audit-table.ts';
import { createKeyListTable } from '../../../events/read-models/dynamodb/create-key-list-table.ts';
import { createEventStoreTable } from '../../../events/store/dynamodb/create-table.ts';
import { authorize } from '../../../functions/authorizer/handler.ts';
import { jwksVerificationKeys } from '../../../functions/authorizer/jwks-source.ts';
import { createCryptoFunction, type CryptoFunction } from '../../../functions/crypto/handler.ts';
import { openPkcs11Hsm, prepareSoftHsmToken } from '../../../functions/crypto/pkcs11/index.ts';
import { RemoteHsm } from '../../../functions/crypto/remote/lambda-hsm.ts';
import { rotateSigningKey } from '../../../application/identity/signing-keys.ts';
import { publishJwks, publishVerificationKeys } from '../../../functions/shared/jwks-publisher.ts';
import { createLambdaRuntime } from '../../../functions/shared/lambda-runtime.ts';
import { installRuntime, type Runtime } from '../../../functions/shared/runtime.ts';
import { ADMIN_PRINCIPAL_ID, bootstrap } from '../../../server/bootstrap.ts';
import {
  deleteTables,
  dynamoDbLocalEndpoint,
  localDynamoDbClient,
  uniqueTableNamer,
} from '../../support/dynamodb-local.ts';

const target = dynamoDbLocalEndpoint();
if ('error' in target) throw new Error(target.error);
const client = localDynamoDbClient(target.endpoint);
const name = uniqueTableNamer('lambda-runtime');
const ADMIN_API_KEY = 'lambda-runtime-admin-key-0123456789abcdef';

function apiEvent(
  method: string,
  path: string,
  routeKey: string,
  init: { headers?: Record<string, string>; body?: string; pathParameters?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: init.headers ?? {},
    ...(init.pathParameters ? { pathParameters: init.pathParameters } : {}),
    requestContext: {
      accountId: '1',
      apiId: 'api',
      domainName: 'example',
      domainPrefix: 'example',
      requestId: `req-${Math.random()}`,
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
    },
    ...(init.body === undefined ? { isBase64Encoded: false } : { body: init.body, isBase64Encoded: false }),
  };
}
const context = {
  awsRequestId: 'aws-req',
  functionName: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/**
 * Each test deploys its own: fresh tables, and runtimes started on them as Lambda would start them. They
 * share only the HSM (one SoftHSM token per process), so any test runs alone and in any order.
 */
void describe('Lambda runtime of the API functions', () => {
  let dataDir: string;
  let crypto: CryptoFunction;
  let deps: { dynamodb: typeof client; hsm: RemoteHsm };
  const allTables: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keyledger-lambda-runtime-'));
    const prepared = await prepareSoftHsmToken(dataDir);
    crypto = createCryptoFunction(() => openPkcs11Hsm(prepared));
    deps = {
      dynamodb: client,
      hsm: new RemoteHsm(async (request) => JSON.stringify(await crypto.handle(JSON.parse(request) as unknown))),
    };
  });
  after(async () => {
    await crypto.close();
    await deleteTables(client, allTables);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Fresh tables and the environment the stack gives the API functions. */
  async function freshTables() {
    const tables = { events: name(), readModels: name(), audit: name() };
    allTables.push(...Object.values(tables));
    await Promise.all([
      createEventStoreTable(client, tables.events),
      createKeyListTable(client, tables.readModels),
      createAuditTable(client, tables.audit),
    ]);
    const env = {
      KEYLEDGER_EVENTS_TABLE: tables.events,
      KEYLEDGER_READ_MODELS_TABLE: tables.readModels,
      KEYLEDGER_JWKS_TABLE: tables.readModels,
      KEYLEDGER_AUDIT_TABLE: tables.audit,
      KEYLEDGER_IDEMPOTENCY_TABLE: name(),
      KEYLEDGER_CRYPTO_FUNCTION: 'unused-here',
    };
    const kids = async () => (await jwksVerificationKeys(client, tables.readModels)()).map((k) => k.kid).sort();
    return { tables, env, kids };
  }

  /** The token exchange through the generated identity group entry, served by `runtime`. */
  async function exchangeToken(runtime: Runtime): Promise<APIGatewayProxyStructuredResultV2> {
    installRuntime(runtime);
    const { handler } = await import('../../../functions/api/groups/identity.ts');
    const body = new URLSearchParams({
      grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
      apikey: ADMIN_API_KEY,
    }).toString();
    return (await handler(
      apiEvent('POST', '/identity/token', 'POST /identity/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
  }

  function accessTokenOf(result: APIGatewayProxyStructuredResultV2): string {
    assert.equal(result.statusCode, 200, result.body);
    const token = (JSON.parse(result.body ?? '{}') as { access_token: string }).access_token;
    assert.ok(token);
    return token;
  }

  /**
   * A deployment as after its bootstrap: an API function (keys) started before the token exchange's
   * function published the signing key, the token exchange's function, the bootstrap identity, and a token.
   */
  async function deployment() {
    const fresh = await freshTables();
    const keysRuntime = await createLambdaRuntime(fresh.env, deps);
    const identityRuntime = await createLambdaRuntime({ ...fresh.env, KEYLEDGER_PUBLISH_JWKS: 'true' }, deps);
    const bootstrapDir = await mkdtemp(join(dataDir, 'bootstrap-'));
    const { defaultInstanceId } = await bootstrap(identityRuntime.services, bootstrapDir, {
      KEYLEDGER_ADMIN_API_KEY: ADMIN_API_KEY,
    });
    const token = accessTokenOf(await exchangeToken(identityRuntime));
    return { ...fresh, keysRuntime, identityRuntime, instanceId: defaultInstanceId, token };
  }

  function authorizerEvent(token: string): APIGatewayRequestAuthorizerEventV2 {
    return {
      type: 'REQUEST',
      routeKey: 'GET /api/v2/keys',
      identitySource: [`Bearer ${token}`],
      headers: { authorization: `Bearer ${token}` },
    } as unknown as APIGatewayRequestAuthorizerEventV2;
  }

  it('publishes the signing key only in the token exchange function, before it serves', async () => {
    const { env, kids } = await freshTables();
    await createLambdaRuntime(env, deps);
    assert.deepEqual(await kids(), [], 'an API function publishes nothing');
    await createLambdaRuntime({ ...env, KEYLEDGER_PUBLISH_JWKS: 'true' }, deps);
    assert.deepEqual(await kids(), [SIGNING_KEY_LABEL]);
    const again = await createLambdaRuntime({ ...env, KEYLEDGER_PUBLISH_JWKS: 'true' }, deps);
    assert.deepEqual(await kids(), [SIGNING_KEY_LABEL], 'a second cold start republishes the same key');
    await again.services.catchUpReadModels();
  });

  it('serves the token exchange through the generated identity group entry', async () => {
    const { identityRuntime } = await deployment();
    const token = accessTokenOf(await exchangeToken(identityRuntime));
    assert.equal(token.split('.').length, 3, 'a JWT');
  });

  it('lets the authorizer and an API function started before the publication accept the token', async () => {
    const { tables, env, keysRuntime, token } = await deployment();
    const decision = await authorize(
      authorizerEvent(token),
      new TokenVerifier(jwksVerificationKeys(client, tables.readModels), tokenRulesFromEnv(env)),
    );
    assert.deepEqual(decision, { isAuthorized: true, context: { principalId: ADMIN_PRINCIPAL_ID } });
    const caller = await keysRuntime.authenticator.authenticate(`Bearer ${token}`);
    assert.equal(caller.principalId, ADMIN_PRINCIPAL_ID);
    await assert.rejects(keysRuntime.authenticator.authenticate(`Bearer ${token.slice(0, -6)}AAAAAA`));
  });

  it('creates and reads a key through the generated keys group entry, auditing both on the audit table', async () => {
    const { keysRuntime, token, instanceId } = await deployment();
    installRuntime(keysRuntime);
    const { handler } = await import('../../../functions/api/groups/keys.ts');
    const headers = {
      authorization: `Bearer ${token}`,
      'bluemix-instance': instanceId,
      'content-type': 'application/json',
    };
    const created = (await handler(
      apiEvent('POST', '/api/v2/keys', 'POST /api/v2/keys', {
        headers,
        body: JSON.stringify({
          metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
          resources: [{ type: 'application/vnd.ibm.kms.key+json', name: 'lambda-root', extractable: false }],
        }),
      }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    assert.equal(created.statusCode, 201, created.body);
    const id = (JSON.parse(created.body ?? '{}') as { resources: { id: string }[] }).resources[0]?.id ?? '';
    const got = (await handler(
      apiEvent('GET', `/api/v2/keys/${id}`, 'GET /api/v2/keys/{id}', { headers, pathParameters: { id } }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    assert.equal(got.statusCode, 200, got.body);
    const page = await keysRuntime.audit.query({ instanceId, limit: 100 });
    const operations = page.records.map((r) => r.operation);
    assert.ok(operations.includes('createKey') && operations.includes('getKey'), operations.join(','));
  });

  it('after a signing-key rotation, publishes the current key and the retired ones still valid before it signs with the new key', async () => {
    const { tables, env, kids, keysRuntime, identityRuntime, token: oldToken } = await deployment();
    // The admin function rotates; it does not publish (KEYLEDGER_PUBLISH_JWKS is the token exchange's alone).
    const { kid, previousKid } = await rotateSigningKey(
      keysRuntime.services,
      { instanceId: '*', requestId: 'test-rotation', operation: 'admin.rotateSigningKey' },
      ADMIN_PRINCIPAL_ID,
    );
    assert.equal(previousKid, SIGNING_KEY_LABEL);
    assert.deepEqual(await kids(), [SIGNING_KEY_LABEL]);

    // The identity function, started before the rotation, publishes before it signs with the new key.
    const newToken = accessTokenOf(await exchangeToken(identityRuntime));
    assert.deepEqual(await kids(), [SIGNING_KEY_LABEL, kid].sort());

    // The authorizer accepts tokens of both keys; so does an API function.
    for (const bearer of [newToken, oldToken]) {
      const authorizerVerifier = new TokenVerifier(
        jwksVerificationKeys(client, tables.readModels),
        tokenRulesFromEnv(env),
      );
      assert.deepEqual(await authorize(authorizerEvent(bearer), authorizerVerifier), {
        isAuthorized: true,
        context: { principalId: ADMIN_PRINCIPAL_ID },
      });
    }
    assert.equal((await keysRuntime.authenticator.authenticate(`Bearer ${newToken}`)).principalId, ADMIN_PRINCIPAL_ID);

    // A warm API function stops trusting the retired key at its end (retirement + a token lifetime + a minute's
    // grace), even for a token signed with it afterwards, as a thief of the old key would sign one.
    const rules = tokenRulesFromEnv(env);
    const end = Date.now() + 3_600_000 + 61_000;
    const signedLate = async (signingKid: string) =>
      (await signToken(deps.hsm, rules, ADMIN_PRINCIPAL_ID, 'a'.repeat(64), end - 5_000, signingKid)).access_token;
    await assert.rejects(
      keysRuntime.authenticator.verifier.verify(await signedLate(SIGNING_KEY_LABEL), end),
      TokenRejectedError,
    );
    assert.equal((await keysRuntime.authenticator.verifier.verify(await signedLate(kid), end)).sub, ADMIN_PRINCIPAL_ID);

    // A cold start republishes both; an older publication (read before the rotation) does not replace them.
    await createLambdaRuntime({ ...env, KEYLEDGER_PUBLISH_JWKS: 'true' }, deps);
    assert.deepEqual(await kids(), [SIGNING_KEY_LABEL, kid].sort());
    await publishJwks(
      client,
      tables.readModels,
      [
        {
          kid: SIGNING_KEY_LABEL,
          publicKey: await deps.hsm.ensureSigningKey(SIGNING_KEY_LABEL),
          untilMs: Number.POSITIVE_INFINITY,
        },
      ],
      0,
    );
    assert.deepEqual(await kids(), [SIGNING_KEY_LABEL, kid].sort());

    // Once the retired key's tokens have all expired (an hour and a minute's grace), it is no longer published.
    const later = { ...keysRuntime.services, now: () => new Date(Date.now() + 3_600_000 + 61_000) };
    assert.deepEqual([...(await publishVerificationKeys(later, client, tables.readModels))], [kid]);
    assert.deepEqual(await kids(), [kid]);
  });
});
