import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import { allOperations as routes } from '../../functions/api/operations.ts';
import { EVENT_STORE_TABLE } from '../../events/store/dynamodb/table-schema.ts';
import { KEY_LIST_TABLE } from '../../events/read-models/dynamodb/key-list-table-schema.ts';
import { PROJECTOR_RETRY_ATTEMPTS } from '../../cdk/constructs/projector.ts';
import { SCHEDULED_TASKS } from '../../functions/scheduler/tasks.ts';
import { resourcesOf, synthesize, type Synthesized } from './synth.ts';

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function logicalId(synth: Synthesized, resource: { node: { defaultChild?: unknown } }): string {
  return synth.stack.getLogicalId(resource.node.defaultChild as CfnResource);
}

/** Every statement of every inline policy attached to the role with logical id `roleId`. */
function statementsOfRole(template: Template, roleId: string): Statement[] {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.['Roles']).includes(`"${roleId}"`))
    .flatMap(([, policy]) => (policy.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourceById(template: Template, id: string): unknown {
  const resources = (template.toJSON() as { Resources: Record<string, unknown> }).Resources;
  return resources[id];
}

function roleIdOf(template: Template, functionId: string): string {
  const fn = resourceById(template, functionId) as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } };
  return fn.Properties.Role['Fn::GetAtt'][0];
}

void describe('keyledger stack (prod stage, bundling skipped)', () => {
  let synth: Synthesized;
  let template: Template;
  void before(() => {
    const started = Date.now();
    synth = synthesize({ context: { stage: 'prod' } });
    template = synth.template;
    console.log(`synth without bundling: ${Date.now() - started} ms`);
  });

  void it('has one API Gateway route per entry of operations.ts, authorizer on every non-public route', () => {
    const apiRoutes = resourcesOf(template, 'AWS::ApiGatewayV2::Route');
    assert.equal(apiRoutes.length, routes.length);
    for (const route of routes) {
      const found = apiRoutes.find(([, r]) => r.Properties?.['RouteKey'] === `${route.method} ${route.path}`);
      assert.ok(found, `route ${route.method} ${route.path}`);
      const props = found[1].Properties ?? {};
      if (route.access === 'public') {
        assert.equal(props['AuthorizationType'], 'NONE', `${route.path} is public`);
        assert.equal(props['AuthorizerId'], undefined);
      } else {
        assert.equal(props['AuthorizationType'], 'CUSTOM', `${route.path} needs the authorizer`);
        assert.ok(props['AuthorizerId'], `${route.path} has an authorizer id`);
      }
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  void it('routes each group to its own function', () => {
    const groups = new Set(routes.map((route) => route.group));
    for (const group of groups) assert.ok(synth.stack.api.groupFunctions.get(group), `function of group ${group}`);
    assert.equal(resourcesOf(template, 'AWS::ApiGatewayV2::Integration').length, groups.size);
  });

  void it('builds every NodejsFunction for nodejs22.x on arm64 with source maps and Powertools settings, no secrets in env', () => {
    const fns = resourcesOf(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => JSON.stringify(fn.Properties?.['Environment'] ?? {}).includes('POWERTOOLS_SERVICE_NAME'))
      .filter(([, fn]) => fn.Properties?.['PackageType'] !== 'Image');
    const expected = new Set(routes.map((route) => route.group)).size + 4; // + authorizer, projector, scheduler, bootstrap
    assert.equal(fns.length, expected);
    for (const [id, fn] of fns) {
      const props = fn.Properties ?? {};
      assert.equal(props['Runtime'], 'nodejs22.x', id);
      assert.deepEqual(props['Architectures'], ['arm64'], id);
      const env = (props['Environment'] as { Variables: Record<string, unknown> }).Variables;
      assert.match(String(env['NODE_OPTIONS']), /--enable-source-maps/, id);
      assert.equal(env['POWERTOOLS_METRICS_NAMESPACE'], 'keyledger', id);
    }
    for (const [id, fn] of resourcesOf(template, 'AWS::Lambda::Function')) {
      const env =
        (fn.Properties?.['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const name of Object.keys(env)) {
        if (/SECRET|PASSWORD|PIN|PRIVATE/.test(name))
          assert.match(name, /_ARN$/, `${id}: ${name} may only name a secret`);
      }
    }
  });

  void it('runs the crypto function as an arm64 container image in a VPC with the token store mounted', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Architectures: ['arm64'],
      FileSystemConfigs: [Match.objectLike({ LocalMountPath: '/mnt/hsm' })],
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      Environment: { Variables: Match.objectLike({ KEYLEDGER_PKCS11_MODULE: Match.stringLikeRegexp('softhsm') }) },
    });
    template.hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true });
    template.hasResourceProperties('AWS::EFS::AccessPoint', { PosixUser: { Uid: '1000', Gid: '1000' } });
  });

  void it('protects every table: on demand, PITR, customer managed KMS encryption, deletion protection, retained', () => {
    const tables = resourcesOf(template, 'AWS::DynamoDB::Table');
    assert.equal(tables.length, 4);
    for (const [id, table] of tables) {
      const props = table.Properties ?? {};
      assert.equal(props['BillingMode'], 'PAY_PER_REQUEST', id);
      assert.deepEqual(props['PointInTimeRecoverySpecification'], { PointInTimeRecoveryEnabled: true }, id);
      assert.equal(props['DeletionProtectionEnabled'], true, id);
      const sse = props['SSESpecification'] as Record<string, unknown>;
      assert.equal(sse['SSEEnabled'], true, id);
      assert.equal(sse['SSEType'], 'KMS', id);
      assert.ok(sse['KMSMasterKeyId'], id);
      assert.equal(table.DeletionPolicy, 'Retain', id);
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  void it('keys the events table as the event store adapter does and streams new images', () => {
    const eventsId = logicalId(synth, synth.stack.tables.events);
    const events = resourceById(template, eventsId) as { Properties: Record<string, unknown> };
    assert.deepEqual(events.Properties['KeySchema'], [
      { AttributeName: EVENT_STORE_TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: EVENT_STORE_TABLE.sortKey.name, KeyType: 'RANGE' },
    ]);
    assert.deepEqual(events.Properties['StreamSpecification'], { StreamViewType: 'NEW_IMAGE' });
  });

  void it('indexes the read-model table in list order as the key list adapter queries it, and lets the keys group query the index', () => {
    const readModelsId = logicalId(synth, synth.stack.tables.readModels);
    const table = resourceById(template, readModelsId) as { Properties: Record<string, unknown> };
    assert.deepEqual(
      table.Properties['GlobalSecondaryIndexes'],
      KEY_LIST_TABLE.globalIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const keys = synth.stack.api.groupFunctions.get('keys');
    assert.ok(keys);
    const statements = statementsOfRole(template, roleIdOf(template, logicalId(synth, keys)));
    assert.ok(
      statements.some(
        (s) =>
          actionsOf(s).includes('dynamodb:Query') &&
          JSON.stringify(s.Resource).includes('/index/*') &&
          JSON.stringify(s.Resource).includes(readModelsId),
      ),
      'GET /keys queries the byListOrder index',
    );
  });

  void it('wires the projector to the events stream with batch item failures, bisect, bounded retries and a DLQ', () => {
    const eventsId = logicalId(synth, synth.stack.tables.events);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [eventsId, 'StreamArn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: PROJECTOR_RETRY_ATTEMPTS,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  void it('gives the projector stream read and read-model writes, but no writes to the events table', () => {
    const eventsId = logicalId(synth, synth.stack.tables.events);
    const readModelsId = logicalId(synth, synth.stack.tables.readModels);
    const statements = statementsOfRole(template, roleIdOf(template, logicalId(synth, synth.stack.projector.function)));
    assert.ok(statements.length > 0);
    for (const statement of statements) {
      const resource = JSON.stringify(statement.Resource);
      const writes = actionsOf(statement).filter((action) => WRITE_ACTIONS.includes(action) || action === 'dynamodb:*');
      if (resource.includes(`"${eventsId}"`) || resource === '"*"')
        assert.deepEqual(writes, [], `projector may not write ${resource}`);
    }
    assert.ok(
      statements.some(
        (s) => actionsOf(s).includes('dynamodb:GetRecords') && JSON.stringify(s.Resource).includes(eventsId),
      ),
    );
    assert.ok(
      statements.some(
        (s) => actionsOf(s).includes('dynamodb:PutItem') && JSON.stringify(s.Resource).includes(readModelsId),
      ),
    );
    assert.ok(statements.some((s) => actionsOf(s).includes('events:PutEvents')));
  });

  void it('lets the function of every operation that changes a key write the events table and the wrap/unwrap function write none', () => {
    const eventsId = logicalId(synth, synth.stack.tables.events);
    const idempotencyId = logicalId(synth, synth.stack.tables.idempotency);
    const writesTo = (operation: string, tableId: string): boolean => {
      const group = routes.find((r) => r.name === operation)?.group;
      assert.ok(group, operation);
      const fn = synth.stack.api.groupFunctions.get(group);
      assert.ok(fn, group);
      return statementsOfRole(template, roleIdOf(template, logicalId(synth, fn))).some(
        (s) => actionsOf(s).includes('dynamodb:PutItem') && JSON.stringify(s.Resource).includes(`"${tableId}"`),
      );
    };
    const changesKey = [
      'createKey',
      'createKeyWithPolicyOverrides',
      'rotateKey',
      'disableKey',
      'enableKey',
      'setKeyForDeletion',
      'unsetKeyForDeletion',
      'syncAssociatedResources',
      'deleteKey',
      'restoreKey',
      'purgeKey',
    ];
    for (const operation of changesKey) assert.ok(writesTo(operation, eventsId), `${operation} may append events`);
    for (const operation of ['wrapKey', 'unwrapKey', 'rewrapKey'])
      assert.ok(!writesTo(operation, eventsId), `${operation} may not append events`);
    for (const operation of ['createKey', 'createKeyWithPolicyOverrides', 'rotateKey'])
      assert.ok(writesTo(operation, idempotencyId), `${operation} keeps idempotency records`);
  });

  void it('keeps the API away from the HSM: no EFS, no PIN, no VPC; it may only invoke the crypto function', () => {
    const cryptoId = logicalId(synth, synth.stack.crypto.function);
    assert.equal(
      synth.stack.crypto.pin,
      undefined,
      'SoftHSM keeps its generated PINs on the token store, not in a secret',
    );
    // The one secret is the administrator's API key, which only the bootstrap function reads.
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    assert.ok(synth.stack.bootstrap.adminApiKey);
    const apiFunctions = [synth.stack.api.authorizerFunction, ...synth.stack.api.groupFunctions.values()];
    for (const fn of apiFunctions) {
      const id = logicalId(synth, fn);
      const props = (resourceById(template, id) as { Properties: Record<string, unknown> }).Properties;
      assert.equal(props['FileSystemConfigs'], undefined, id);
      assert.equal(props['VpcConfig'], undefined, id);
      for (const statement of statementsOfRole(template, roleIdOf(template, id))) {
        const actions = actionsOf(statement);
        assert.ok(!actions.some((a) => a.startsWith('elasticfilesystem:')), `${id} has EFS access`);
        assert.ok(!actions.some((a) => a.startsWith('secretsmanager:')), `${id} can read a secret`);
        if (actions.includes('lambda:InvokeFunction')) {
          assert.ok(JSON.stringify(statement.Resource).includes(cryptoId), `${id} invokes something other than crypto`);
        }
      }
    }
    const cryptoStatements = statementsOfRole(template, roleIdOf(template, cryptoId));
    assert.ok(cryptoStatements.some((s) => actionsOf(s).includes('elasticfilesystem:ClientMount')));
    // Only the crypto function's role may mount the token store.
    for (const [, policy] of resourcesOf(template, 'AWS::IAM::Policy')) {
      if (JSON.stringify(policy).includes('elasticfilesystem:ClientMount')) {
        assert.ok(JSON.stringify(policy.Properties?.['Roles']).includes(roleIdOf(template, cryptoId)));
      }
    }
  });

  void it('gives every API group function the environment the Lambda runtime reads; only the token exchange publishes the JWKS', () => {
    for (const [group, fn] of synth.stack.api.groupFunctions) {
      const id = logicalId(synth, fn);
      const env = (
        resourceById(template, id) as { Properties: { Environment: { Variables: Record<string, unknown> } } }
      ).Properties.Environment.Variables;
      for (const name of [
        'KEYLEDGER_EVENTS_TABLE',
        'KEYLEDGER_READ_MODELS_TABLE',
        'KEYLEDGER_JWKS_TABLE',
        'KEYLEDGER_CRYPTO_FUNCTION',
      ]) {
        assert.ok(env[name], `${group}: ${name}`);
      }
      assert.equal(env['KEYLEDGER_PUBLISH_JWKS'], group === 'identity' ? 'true' : undefined, group);
    }
    const identity = synth.stack.api.groupFunctions.get('identity');
    assert.ok(identity);
    const eventsId = logicalId(synth, synth.stack.tables.events);
    const statements = statementsOfRole(template, roleIdOf(template, logicalId(synth, identity)));
    assert.ok(
      statements.some((s) => actionsOf(s).includes('dynamodb:Query') && JSON.stringify(s.Resource).includes(eventsId)),
      'token exchange reads API key streams',
    );
    for (const statement of statements) {
      if (JSON.stringify(statement.Resource).includes(`"${eventsId}"`)) {
        assert.deepEqual(
          actionsOf(statement).filter((a) => WRITE_ACTIONS.includes(a)),
          [],
          'token exchange never writes events',
        );
      }
    }
  });

  void it('sets one token issuer on the authorizer and every API function: the HTTP API URL unless configured', () => {
    const functions = [synth.stack.api.authorizerFunction, ...synth.stack.api.groupFunctions.values()];
    const issuers = functions.map((fn) =>
      JSON.stringify(
        (
          resourceById(template, logicalId(synth, fn)) as {
            Properties: { Environment: { Variables: Record<string, unknown> } };
          }
        ).Properties.Environment.Variables['KEYLEDGER_TOKEN_ISSUER'],
      ),
    );
    assert.ok(
      issuers.every((issuer) => issuer !== undefined && issuer === issuers[0]),
      issuers.join(' '),
    );
    assert.match(issuers[0] ?? '', new RegExp(logicalId(synth, synth.stack.api.httpApi)), 'the API URL by default');
    const configured = synthesize({ context: { tokenIssuer: 'https://kms.example.com' } });
    const env = (
      resourceById(configured.template, logicalId(configured, configured.stack.api.authorizerFunction)) as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;
    assert.equal(env['KEYLEDGER_TOKEN_ISSUER'], 'https://kms.example.com');
  });

  void it('opens the SoftHSM token from the EFS mount', () => {
    const cryptoId = logicalId(synth, synth.stack.crypto.function);
    const env = (
      resourceById(template, cryptoId) as { Properties: { Environment: { Variables: Record<string, unknown> } } }
    ).Properties.Environment.Variables;
    assert.equal(env['KEYLEDGER_HSM_DATA_DIR'], '/mnt/hsm');
    assert.equal(env['KEYLEDGER_HSM_PIN_SECRET_ARN'], undefined);
  });

  void it('has the key-state bus and one schedule per task targeting the scheduler', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const schedulerId = logicalId(synth, synth.stack.schedules.function);
    const rules = resourcesOf(template, 'AWS::Events::Rule');
    assert.equal(rules.length, SCHEDULED_TASKS.length);
    for (const task of SCHEDULED_TASKS) {
      const rule = rules.find(([, r]) =>
        JSON.stringify(r.Properties?.['Targets']).includes(`\\"task\\":\\"${task}\\"`),
      );
      assert.ok(rule, `schedule for ${task}`);
      assert.match(String(rule[1].Properties?.['ScheduleExpression']), /^rate\(/);
      assert.ok(JSON.stringify(rule[1].Properties?.['Targets']).includes(schedulerId));
    }
  });

  void it('alarms on errors and throttles of every function, DLQ depth and audit write failures', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    const functionIds = resourcesOf(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => JSON.stringify(fn.Properties?.['Environment'] ?? {}).includes('POWERTOOLS_SERVICE_NAME'))
      .map(([id]) => id);
    // all but CDK's own: the bootstrap's Provider and the console's BucketDeployment handler
    assert.equal(functionIds.length, resourcesOf(template, 'AWS::Lambda::Function').length - 2);
    for (const id of functionIds) {
      for (const metric of ['Errors', 'Throttles']) {
        assert.ok(
          alarms.some((a) => a['MetricName'] === metric && JSON.stringify(a['Dimensions']).includes(id)),
          `${metric} alarm of ${id}`,
        );
      }
    }
    const dlqAlarms = alarms.filter((a) => a['MetricName'] === 'ApproximateNumberOfMessagesVisible');
    assert.equal(dlqAlarms.length, 2);
    for (const a of dlqAlarms) {
      assert.equal(a['Threshold'], 0);
      assert.equal(a['ComparisonOperator'], 'GreaterThanThreshold');
    }
    assert.ok(alarms.some((a) => a['MetricName'] === 'AuditWriteFailures' && a['Namespace'] === 'keyledger'));
    for (const a of alarms)
      assert.ok(Array.isArray(a['AlarmActions']) && a['AlarmActions'].length === 1, 'alarm notifies the topic');
  });

  void it('gives every function a log group of its own, retained for the configured time', () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    assert.ok(functions.length >= 10, `${functions.length} functions`);
    const logGroupOf = functions.map(
      ([, fn]) => (fn.Properties?.['LoggingConfig'] as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref,
    );
    assert.deepEqual(new Set(logGroupOf), new Set(groups.map(([id]) => id)));
    assert.equal(groups.length, functions.length);
    for (const [id, group] of groups) {
      assert.equal(group.Properties?.['RetentionInDays'], 365, id);
      assert.equal(group.DeletionPolicy, 'Retain', id);
    }
  });

  void it('outputs the API URL, the console URL and the bus name', () => {
    const [api, ...otherApis] = resourcesOf(template, 'AWS::ApiGatewayV2::Api');
    const [bus, ...otherBuses] = resourcesOf(template, 'AWS::Events::EventBus');
    assert.ok(api && bus);
    assert.equal(otherApis.length + otherBuses.length, 0);
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [api[0], 'ApiEndpoint'] } });
    template.hasOutput('EventBusName', { Value: { Ref: bus[0] } });
    const [distribution] = resourcesOf(template, 'AWS::CloudFront::Distribution');
    assert.ok(distribution);
    template.hasOutput('ConsoleUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution[0], 'DomainName'] }]] },
    });
  });

  void it('serves the web console from a private bucket behind CloudFront, with the CSP and headers the local server sends', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
        }),
      }),
    });
    const [policy] = resourcesOf(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = JSON.stringify(policy?.[1].Properties);
    for (const part of [
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' https://*.execute-api.",
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      '"FrameOption":"DENY"',
      '"ReferrerPolicy":"no-referrer"',
      '"ContentTypeOptions":{"Override":true}',
      '{"Header":"cross-origin-opener-policy","Override":true,"Value":"same-origin"}',
      '{"Header":"cross-origin-resource-policy","Override":true,"Value":"same-origin"}',
      '{"Header":"permissions-policy","Override":true,"Value":"camera=(), microphone=(), geolocation=(), payment=()"}',
    ])
      assert.ok(config.includes(part), `${part} in ${config}`);
    // Every deploy uploads the files and config.json (the API URL, the default instance) and invalidates the cache.
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionPaths: ['/*'],
      Prune: true,
      SourceMarkers: Match.arrayWith([
        Match.objectLike({ '<<marker:0xbaba:0>>': Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) }),
      ]),
    });
  });

  void it('lets the console origin call the API (CORS): Key Protect headers, nothing else', () => {
    const [api] = resourcesOf(template, 'AWS::ApiGatewayV2::Api');
    const cors = api?.[1].Properties?.['CorsConfiguration'] as Record<string, unknown>;
    assert.deepEqual(cors['AllowHeaders'], [
      'authorization',
      'content-type',
      'bluemix-instance',
      'x-kms-key-ring',
      'prefer',
      'correlation-id',
      'idempotency-key',
    ]);
    assert.deepEqual(cors['ExposeHeaders'], ['key-total', 'correlation-id', 'retry-after', 'idempotent-replayed']);
    const origins = JSON.stringify(cors['AllowOrigins']);
    assert.match(
      origins,
      /^\[\{"Fn::Join":\["",\["https:\/\/",\{"Fn::GetAtt":\["ConsoleDistribution[0-9A-F]+","DomainName"\]\}\]\]\}\]$/,
    );
  });

  void it('bootstraps the administrator and the default instance with a custom resource; only its function reads the key', () => {
    const bootstrap = synth.stack.bootstrap;
    const fnId = logicalId(synth, bootstrap.function);
    const secretId = logicalId(synth, bootstrap.adminApiKey);
    const secret = resourceById(template, secretId) as { Properties: Record<string, unknown>; DeletionPolicy?: string };
    assert.deepEqual(secret.Properties['GenerateSecretString'], {
      ExcludePunctuation: true,
      IncludeSpace: false,
      PasswordLength: 48,
    });
    assert.deepEqual(secret.Properties['KmsKeyId'], {
      'Fn::GetAtt': [logicalId(synth, synth.stack.tables.key), 'Arn'],
    });
    assert.equal(secret.DeletionPolicy, 'Retain');

    // The custom resource names the default instance (the stack id's UUID) and holds no secret value.
    const [[, resource] = ['', { Type: '' }], ...others] = resourcesOf(template, 'Custom::KeyledgerBootstrap');
    assert.equal(others.length, 0);
    const props = resource.Properties ?? {};
    assert.deepEqual(Object.keys(props).sort(), ['DefaultInstanceId', 'KeyListIndexes', 'ServiceToken']);
    assert.equal(props['KeyListIndexes'], KEY_LIST_TABLE.globalIndexes.map((index) => index.name).join(','));
    assert.deepEqual(props['DefaultInstanceId'], {
      'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }],
    });
    assert.doesNotMatch(JSON.stringify(resource), /resolve:secretsmanager|SecretString/);
    // The Provider framework's function invokes the bootstrap function.
    const frameworks = resourcesOf(template, 'AWS::Lambda::Function').filter(([, fn]) =>
      JSON.stringify(fn.Properties?.['Environment'] ?? {}).includes('USER_ON_EVENT_FUNCTION_ARN'),
    );
    assert.equal(frameworks.length, 1);
    assert.match(JSON.stringify(frameworks[0]?.[1].Properties?.['Environment']), new RegExp(fnId));

    // Its environment names the secret, never its value.
    const env = (
      resourceById(template, fnId) as { Properties: { Environment: { Variables: Record<string, unknown> } } }
    ).Properties.Environment.Variables;
    assert.deepEqual(env['KEYLEDGER_ADMIN_API_KEY_SECRET_ARN'], { Ref: secretId });
    assert.ok(env['KEYLEDGER_EVENTS_TABLE'] && env['KEYLEDGER_CRYPTO_FUNCTION']);
    assert.equal(env['KEYLEDGER_AUDIT_TABLE'], undefined);

    // Least privilege: reads and appends events, backfills key list rows, invokes the crypto function, reads its secret; nothing else.
    const statements = statementsOfRole(template, roleIdOf(template, fnId));
    const tableIds = ['events', 'readModels', 'audit', 'idempotency'] as const;
    const touched = tableIds.filter((table) =>
      statements.some((st) => JSON.stringify(st.Resource).includes(logicalId(synth, synth.stack.tables[table]))),
    );
    assert.deepEqual(touched, ['events', 'readModels']);
    const readModelsId = logicalId(synth, synth.stack.tables.readModels);
    assert.deepEqual(
      statements
        .filter((st) => JSON.stringify(st.Resource).includes(readModelsId))
        .flatMap(actionsOf)
        .sort(),
      ['dynamodb:Scan', 'dynamodb:UpdateItem'],
    );
    // A TransactWriteItems is authorised per item (PutItem, ConditionCheckItem).
    assert.ok(
      statements.some(
        (st) => actionsOf(st).includes('dynamodb:PutItem') && actionsOf(st).includes('dynamodb:ConditionCheckItem'),
      ),
    );
    assert.ok(
      statements.some(
        (st) =>
          actionsOf(st).includes('lambda:InvokeFunction') &&
          JSON.stringify(st.Resource).includes(logicalId(synth, synth.stack.crypto.function)),
      ),
    );
    assert.ok(
      statements.some(
        (st) =>
          actionsOf(st).includes('secretsmanager:GetSecretValue') && JSON.stringify(st.Resource).includes(secretId),
      ),
    );
    assert.ok(!statements.some((st) => actionsOf(st).some((a) => a.startsWith('elasticfilesystem:'))));
    // No other role may read the administrator's key.
    const readers = resourcesOf(template, 'AWS::IAM::Policy').filter(
      ([, policy]) =>
        JSON.stringify(policy).includes('secretsmanager:GetSecretValue') && JSON.stringify(policy).includes(secretId),
    );
    assert.equal(readers.length, 1);
    assert.match(JSON.stringify(readers[0]?.[1].Properties?.['Roles']), new RegExp(roleIdOf(template, fnId)));

    template.hasOutput('AdminApiKeySecretArn', { Value: { Ref: secretId } });
    template.hasOutput('DefaultInstanceId', {
      Value: { 'Fn::GetAtt': [logicalId(synth, bootstrap.resource), 'DefaultInstanceId'] },
    });
    for (const output of Object.values((template.toJSON() as { Outputs: Record<string, unknown> }).Outputs)) {
      assert.doesNotMatch(JSON.stringify(output), /resolve:secretsmanager|SecretString/);
    }
  });

  void it("passes Key Protect's default operator settings to every function", () => {
    const defaults = {
      KEYLEDGER_MIN_ROTATION_INTERVAL_S: '3600',
      KEYLEDGER_MIN_ACTION_INTERVAL_S: '30',
      KEYLEDGER_MIN_PURGE_DELAY_S: '14400',
      KEYLEDGER_RESTORE_WINDOW_S: '2592000',
      KEYLEDGER_AUTO_PURGE_AFTER_S: '7776000',
      KEYLEDGER_MIN_SYNC_INTERVAL_S: '3600',
      KEYLEDGER_RATE_LIMIT_RPS: '0',
    };
    const deciders = [
      ...synth.stack.api.groupFunctions.values(),
      synth.stack.schedules.function,
      synth.stack.bootstrap.function,
    ];
    for (const fn of deciders) {
      const id = logicalId(synth, fn);
      const env = (
        resourceById(template, id) as { Properties: { Environment: { Variables: Record<string, unknown> } } }
      ).Properties.Environment.Variables;
      assert.deepEqual(Object.fromEntries(Object.keys(defaults).map((name) => [name, env[name]])), defaults, id);
    }
  });
});

void describe('keyledger stack (dev stage)', () => {
  void it('lets a development stack be destroyed, and honours context overrides', () => {
    const { template } = synthesize({ context: { stage: 'dev', logRetentionDays: 7 } });
    const tables = resourcesOf(template, 'AWS::DynamoDB::Table');
    assert.equal(tables.length, 4);
    for (const [id, table] of tables) {
      assert.equal(table.Properties?.['DeletionProtectionEnabled'], false, id);
      assert.equal(table.DeletionPolicy, 'Delete', id);
    }
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    assert.equal(groups.length, resourcesOf(template, 'AWS::Lambda::Function').length);
    for (const [id, group] of groups) assert.equal(group.Properties?.['RetentionInDays'], 7, id);
  });

  void it('takes operator settings and the default instance id from context, and refuses malformed ones', () => {
    const { stack, template } = synthesize({
      context: { minRotationIntervalS: 0, rateLimitRps: '50', defaultInstance: '6F1C3C52-9A1B-4C2D-8E3F-0A1B2C3D4E5F' },
    });
    for (const fn of [...stack.api.groupFunctions.values(), stack.schedules.function]) {
      const env =
        (
          template.toJSON() as {
            Resources: Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>;
          }
        ).Resources[stack.getLogicalId(fn.node.defaultChild as CfnResource)]?.Properties.Environment.Variables ?? {};
      assert.equal(env['KEYLEDGER_MIN_ROTATION_INTERVAL_S'], '0');
      assert.equal(env['KEYLEDGER_RATE_LIMIT_RPS'], '50');
      assert.equal(env['KEYLEDGER_MIN_PURGE_DELAY_S'], '14400');
    }
    template.hasResourceProperties('Custom::KeyledgerBootstrap', {
      DefaultInstanceId: '6f1c3c52-9a1b-4c2d-8e3f-0a1b2c3d4e5f',
    });
    assert.throws(
      () => synthesize({ context: { minPurgeDelayS: '-1' } }),
      /KEYLEDGER_MIN_PURGE_DELAY_S must be a non-negative number/,
    );
    assert.throws(() => synthesize({ context: { defaultInstance: 'default' } }), /defaultInstance must be a UUID/);
  });

  void it('uses a customer PKCS#11 module without EFS when hsm=custom', () => {
    const { template } = synthesize({
      context: { hsm: 'custom', pkcs11Module: '/opt/hsm/lib/libcloudhsm_pkcs11.so', cryptoArchitecture: 'x86_64' },
    });
    template.resourceCountIs('AWS::EFS::FileSystem', 0);
    // The provisioned token's PIN: a generated secret only the crypto function reads, through a VPC endpoint
    // (the other secret is the administrator's API key, test 'bootstraps the administrator ...').
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    const endpoints = resourcesOf(template, 'AWS::EC2::VPCEndpoint');
    assert.equal(endpoints.length, 1);
    assert.match(JSON.stringify(endpoints[0]?.[1].Properties?.['ServiceName']), /secretsmanager/);
    const readers = resourcesOf(template, 'AWS::IAM::Policy').filter(
      ([, policy]) =>
        JSON.stringify(policy).includes('secretsmanager:GetSecretValue') && JSON.stringify(policy).includes('TokenPin'),
    );
    assert.equal(readers.length, 1);
    assert.match(JSON.stringify(readers[0]?.[1].Properties?.['Roles']), /CryptoFunction/);
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Architectures: ['x86_64'],
      Environment: {
        Variables: Match.objectLike({
          KEYLEDGER_PKCS11_MODULE: '/opt/hsm/lib/libcloudhsm_pkcs11.so',
          KEYLEDGER_HSM_PIN_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
  });
});

void describe('cloud assembly', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'keyledger-cdk-'));
  void after(() => rmSync(outdir, { recursive: true, force: true }));

  void it('synthesizes offline, with the crypto image as a Docker asset (no Docker needed)', () => {
    const { app, stack } = synthesize({ outdir });
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.stackName}.assets.json`), 'utf8')) as {
      dockerImages: Record<
        string,
        {
          source: {
            directory: string;
            dockerFile: string;
            dockerBuildArgs?: Record<string, string>;
            platform?: string;
          };
        }
      >;
    };
    const images = Object.values(manifest.dockerImages);
    assert.equal(images.length, 1);
    const image = images[0];
    assert.ok(image);
    assert.equal(image.source.dockerFile, 'functions/crypto/Dockerfile');
    assert.deepEqual(image.source.dockerBuildArgs, { HSM: 'softhsm' });
    assert.equal(image.source.platform, 'linux/arm64');
    const context = join(assembly.directory, image.source.directory);
    assert.ok(existsSync(join(context, 'functions/crypto/Dockerfile')));
    assert.ok(existsSync(join(context, 'package-lock.json')));
    assert.ok(!existsSync(join(context, 'node_modules')), 'node_modules stays out of the build context');
    assert.ok(!existsSync(join(context, 'test')));
  });

  void it("stages the built web console as the deployment's file asset", () => {
    const { app, stack } = synthesize({ outdir: mkdtempSync(join(tmpdir(), 'keyledger-cdk-console-')) });
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.stackName}.assets.json`), 'utf8')) as {
      files: Record<string, { source: { path: string } }>;
    };
    const consoleAssets = Object.values(manifest.files)
      .map((file) => join(assembly.directory, file.source.path))
      .filter((path) => existsSync(join(path, 'index.html')));
    assert.equal(consoleAssets.length, 1);
    assert.deepEqual(readdirSync(consoleAssets[0] ?? '').sort(), [
      'console.css',
      'console.js',
      'favicon.svg',
      'index.html',
      'reference.html',
      'reference.js',
    ]);
    rmSync(assembly.directory, { recursive: true, force: true });
  });
});

void describe('bundles', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'keyledger-bundle-'));
  void after(() => rmSync(outdir, { recursive: true, force: true }));

  void it('builds every NodejsFunction bundle with local esbuild', () => {
    const started = Date.now();
    const { app, stack } = synthesize({ outdir, bundle: true });
    const assembly = app.synth();
    console.log(`synth with bundling: ${Date.now() - started} ms`);
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.stackName}.assets.json`), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const bundles = Object.values(manifest.files)
      .map((file) => join(assembly.directory, file.source.path))
      .filter((path) => existsSync(join(path, 'index.mjs')));
    const expected = new Set(routes.map((route) => route.group)).size + 4;
    assert.equal(bundles.length, expected);
    for (const bundle of bundles) {
      assert.deepEqual(readdirSync(bundle).sort(), ['index.mjs', 'index.mjs.map']);
    }
  });
});
