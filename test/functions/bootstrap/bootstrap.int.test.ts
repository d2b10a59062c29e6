/**
 * The AWS bootstrap (functions/bootstrap/handler.ts), as the stack's custom resource runs it: against
 * DynamoDB Local and the crypto function's handler in process (the Lambda invoke is the only thing
 * replaced), with the administrator's API key given as the secret would give it. Create makes the
 * administrator and the default instance, whose key then gets a token from the generated identity entry;
 * a repeated Create or an Update changes nothing and does not read the secret; Delete touches nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  CloudFormationCustomResourceEvent,
  Context,
} from 'aws-lambda';
import { loadState } from '../../../application/command-handler.ts';
import { ADMIN_PRINCIPAL_ID } from '../../../application/identity/bootstrap-identity.ts';
import { instanceAggregate, instanceStreamId } from '../../../application/identity/instance-aggregate.ts';
import { principalStreamId } from '../../../application/identity/principal-aggregate.ts';
import {
  backfillListingAttributes,
  createKeyListTable,
} from '../../../events/read-models/dynamodb/create-key-list-table.ts';
import { createEventStoreTable } from '../../../events/store/dynamodb/create-table.ts';
import { createAuditTable } from '../../../events/audit/dynamodb/create-audit-table.ts';
import { BOOTSTRAP_PHYSICAL_ID, bootstrapStack } from '../../../functions/bootstrap/handler.ts';
import { createCryptoFunction, type CryptoFunction } from '../../../functions/crypto/handler.ts';
import { openPkcs11Hsm, prepareSoftHsmToken } from '../../../functions/crypto/pkcs11/index.ts';
import { RemoteHsm } from '../../../functions/crypto/remote/lambda-hsm.ts';
import { createLambdaRuntime, createLambdaServices } from '../../../functions/shared/lambda-runtime.ts';
import { installRuntime } from '../../../functions/shared/runtime.ts';
import {
  deleteTables,
  dynamoDbLocalEndpoint,
  localDynamoDbClient,
  uniqueTableNamer,
} from '../../support/dynamodb-local.ts';

const target = dynamoDbLocalEndpoint();
if ('error' in target) throw new Error(target.error);
const client = localDynamoDbClient(target.endpoint);
const name = uniqueTableNamer('bootstrap');
const tables = { events: name(), readModels: name(), audit: name() };
const env = {
  KEYLEDGER_EVENTS_TABLE: tables.events,
  KEYLEDGER_READ_MODELS_TABLE: tables.readModels,
  KEYLEDGER_JWKS_TABLE: tables.readModels,
  KEYLEDGER_AUDIT_TABLE: tables.audit,
  // The API functions' runtime names the table; nothing here writes it.
  KEYLEDGER_IDEMPOTENCY_TABLE: name(),
  KEYLEDGER_CRYPTO_FUNCTION: 'unused-here',
};
const ADMIN_API_KEY = 'bootstrap-generated-secret-0123456789abcdefABCDEF0123';
const STACK_UUID = '7B2D0E4A-1C3F-4A5B-9C8D-0E1F2A3B4C5D';

function cfnEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, string> = { DefaultInstanceId: STACK_UUID },
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid/',
    StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/keyledger-dev/${STACK_UUID}`,
    RequestId: 'req',
    LogicalResourceId: 'BootstrapResource',
    ResourceType: 'Custom::KeyledgerBootstrap',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider', ...properties },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update')
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: BOOTSTRAP_PHYSICAL_ID,
      OldResourceProperties: common.ResourceProperties,
    };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: BOOTSTRAP_PHYSICAL_ID };
}

void describe('AWS bootstrap custom resource', () => {
  let dataDir: string;
  let crypto: CryptoFunction;
  let hsm: RemoteHsm;
  let cryptoCalls = 0;

  before(async () => {
    await Promise.all([
      createEventStoreTable(client, tables.events),
      createKeyListTable(client, tables.readModels),
      createAuditTable(client, tables.audit),
    ]);
    dataDir = await mkdtemp(join(tmpdir(), 'keyledger-bootstrap-'));
    const prepared = await prepareSoftHsmToken(dataDir);
    crypto = createCryptoFunction(() => openPkcs11Hsm(prepared));
    hsm = new RemoteHsm(async (request) => {
      cryptoCalls += 1;
      return JSON.stringify(await crypto.handle(JSON.parse(request) as unknown));
    });
  });
  after(async () => {
    await crypto.close();
    await deleteTables(client, Object.values(tables));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the administrator with the secret as its API key and the default instance, after starting the crypto function', async () => {
    const services = await createLambdaServices(env, { dynamodb: client, hsm });
    let secretReads = 0;
    const adminApiKey = () => {
      secretReads += 1;
      return Promise.resolve(ADMIN_API_KEY);
    };
    const result = await bootstrapStack(cfnEvent('Create'), {
      services,
      adminApiKey,
      backfillKeyList: () => backfillListingAttributes(client, tables.readModels),
    });
    const instanceId = STACK_UUID.toLowerCase();
    assert.deepEqual(result, { PhysicalResourceId: BOOTSTRAP_PHYSICAL_ID, Data: { DefaultInstanceId: instanceId } });
    assert.equal(secretReads, 1);
    assert.ok(cryptoCalls >= 1, 'the crypto function was started');
    const { state } = await loadState(services.store, instanceAggregate, instanceStreamId(instanceId));
    assert.equal(state.status, 'Active');

    // The administrator's key gets a token through the deployed identity entry and may use /admin/v1.
    const runtime = await createLambdaRuntime({ ...env, KEYLEDGER_PUBLISH_JWKS: 'true' }, { dynamodb: client, hsm });
    installRuntime(runtime);
    const { handler } = await import('../../../functions/api/groups/identity.ts');
    const body = new URLSearchParams({
      grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
      apikey: ADMIN_API_KEY,
    }).toString();
    const event = {
      version: '2.0',
      routeKey: 'POST /identity/token',
      rawPath: '/identity/token',
      rawQueryString: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      requestContext: {
        accountId: '1',
        apiId: 'api',
        domainName: 'example',
        domainPrefix: 'example',
        requestId: 'r1',
        routeKey: 'POST /identity/token',
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
        http: {
          method: 'POST',
          path: '/identity/token',
          protocol: 'HTTP/1.1',
          sourceIp: '192.0.2.1',
          userAgent: 'test',
        },
      },
      body,
      isBase64Encoded: false,
    } as APIGatewayProxyEventV2;
    const answer = (await handler(event, {
      awsRequestId: 'a',
      functionName: 'identity',
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context)) as APIGatewayProxyStructuredResultV2;
    assert.equal(answer.statusCode, 200, answer.body);
    const token = (JSON.parse(answer.body ?? '{}') as { access_token: string }).access_token;
    assert.equal((await runtime.authenticator.authenticate(`Bearer ${token}`)).principalId, ADMIN_PRINCIPAL_ID);
  });

  it('changes nothing on a repeated Create or an Update, and does not read the secret again', async () => {
    const services = await createLambdaServices(env, { dynamodb: client, hsm });
    const heads = async () =>
      Promise.all(
        [principalStreamId(ADMIN_PRINCIPAL_ID), instanceStreamId(STACK_UUID.toLowerCase())].map(
          async (stream) => (await services.store.readHead(stream))?.version,
        ),
      );
    const before = await heads();
    assert.deepEqual(
      before.map((v) => typeof v),
      ['number', 'number'],
    );
    const refuse = () => Promise.reject(new Error('the secret must not be read once the administrator exists'));
    let backfills = 0;
    const backfillKeyList = () => {
      backfills += 1;
      return Promise.resolve(0);
    };
    for (const type of ['Create', 'Update'] as const) {
      const result = await bootstrapStack(cfnEvent(type), { services, adminApiKey: refuse, backfillKeyList });
      assert.deepEqual(result, {
        PhysicalResourceId: BOOTSTRAP_PHYSICAL_ID,
        Data: { DefaultInstanceId: STACK_UUID.toLowerCase() },
      });
    }
    assert.deepEqual(await heads(), before);
    assert.equal(
      backfills,
      2,
      'every Create and Update backfills the key list (a deploy adding an index updates the resource)',
    );
  });

  it('does nothing on Delete, and refuses a default instance id that is not a UUID', async () => {
    const services = await createLambdaServices(env, { dynamodb: client, hsm });
    const refuse = () => Promise.reject(new Error('unused'));
    assert.deepEqual(
      await bootstrapStack(cfnEvent('Delete'), { services, adminApiKey: refuse, backfillKeyList: refuse }),
      { PhysicalResourceId: BOOTSTRAP_PHYSICAL_ID },
    );
    await assert.rejects(
      bootstrapStack(cfnEvent('Create', { DefaultInstanceId: 'default' }), {
        services,
        adminApiKey: refuse,
        backfillKeyList: refuse,
      }),
      /must be a UUID/,
    );
  });
});
