import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { allOperations, type OperationDefinition, type RouteGroup } from '../../functions/api/operations.ts';
import { JWKS_PARTITION } from '../../functions/authorizer/jwks-item.ts';
import type { KeyledgerConfig } from '../config.ts';
import { KeyledgerFunction } from './node-function.ts';
import type { Tables } from './tables.ts';

/** What a route group may touch. Keyed by RouteGroup, so a new group does not compile until it is decided here. */
interface GroupAccess {
  /** Append events (commands). */
  readonly writeEvents: boolean;
  /** Read streams and heads (the hot path reads the head item). */
  readonly readEvents: boolean;
  readonly readModels: boolean;
  /** Writes audit records (every request but health yields one). */
  readonly audit: boolean;
  readonly idempotency: boolean;
  /** Invokes the crypto function (the only way to the HSM). */
  readonly crypto: boolean;
  /** Publishes the token-signing public keys (JWKS item) the authorizer reads. */
  readonly publishJwks: boolean;
}

const NONE: GroupAccess = {
  writeEvents: false,
  readEvents: false,
  readModels: false,
  audit: false,
  idempotency: false,
  crypto: false,
  publishJwks: false,
};

export const GROUP_ACCESS: Record<RouteGroup, GroupAccess> = {
  health: NONE,
  // The token exchange reads API key and principal streams, and publishes the signing key it ensures in the HSM.
  identity: { ...NONE, readEvents: true, readModels: true, audit: true, crypto: true, publishJwks: true },
  keys: {
    ...NONE,
    writeEvents: true,
    readEvents: true,
    readModels: true,
    audit: true,
    idempotency: true,
    crypto: true,
  },
  // Wrap, unwrap and rewrap, the hot path: the function that serves them can read keys but change none.
  'key-actions': { ...NONE, readEvents: true, readModels: true, audit: true, crypto: true },
  admin: {
    ...NONE,
    writeEvents: true,
    readEvents: true,
    readModels: true,
    audit: true,
    crypto: true,
  },
};

/** The route groups that currently have routes, in table order. */
export function groupsOf(routes: readonly OperationDefinition[]): Map<RouteGroup, OperationDefinition[]> {
  const groups = new Map<RouteGroup, OperationDefinition[]>();
  for (const route of routes) {
    const list = groups.get(route.group) ?? [];
    list.push(route);
    groups.set(route.group, list);
  }
  return groups;
}

export interface ApiProps {
  readonly config: KeyledgerConfig;
  readonly tables: Tables;
  readonly crypto: lambda.IFunction;
  /** Defaults to every operation of functions/api/operations.ts. */
  readonly routes?: readonly OperationDefinition[];
  /** Browser origins allowed to call the API (CORS): the web console's. */
  readonly corsOrigins?: readonly string[];
}

/** What a browser (the web console) sends and reads: Key Protect's headers. */
const CORS_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'bluemix-instance',
  'x-kms-key-ring',
  'prefer',
  'correlation-id',
  'idempotency-key',
];
const CORS_RESPONSE_HEADERS = ['key-total', 'correlation-id', 'retry-after', 'idempotent-replayed'];

/**
 * The HTTP API: one route per entry of functions/api/operations.ts, one function per route group
 * (functions/api/groups/<group>.ts), and a Lambda authorizer on every route that is not public.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly authorizerFunction: KeyledgerFunction;
  readonly groupFunctions = new Map<RouteGroup, KeyledgerFunction>();
  /** The `iss` of the service's tokens. */
  readonly tokenIssuer: string;
  private readonly tables: Tables;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config, tables } = props;
    this.tables = tables;
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `keyledger-${config.stage}`,
      description: 'keyledger: IBM Key Protect v2 compatible key management',
      // API Gateway answers the preflight itself and adds the CORS headers to every response.
      ...(props.corsOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: [...props.corsOrigins],
              allowMethods: [apigw.CorsHttpMethod.ANY],
              allowHeaders: CORS_REQUEST_HEADERS,
              exposeHeaders: CORS_RESPONSE_HEADERS,
              maxAge: Duration.minutes(10),
            },
          }
        : {}),
    });
    // Every token carries and every verifier requires this `iss`: the `tokenIssuer` context, else the API's own URL.
    this.tokenIssuer = config.tokenIssuer ?? this.httpApi.apiEndpoint;

    this.authorizerFunction = new KeyledgerFunction(this, 'Authorizer', {
      entry: 'functions/authorizer/handler.ts',
      description: 'keyledger: verifies ES256 bearer tokens',
      config,
      memorySize: 256,
      timeout: Duration.seconds(5),
      environment: {
        KEYLEDGER_JWKS_TABLE: tables.readModels.tableName,
        KEYLEDGER_TOKEN_ISSUER: this.tokenIssuer,
      },
    });
    this.grantJwks(this.authorizerFunction, ['dynamodb:GetItem']);
    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      // No caching: a revoked token stops working at once rather than after a cache TTL.
      resultsCacheTtl: Duration.seconds(0),
    });

    for (const [group, routes] of groupsOf(props.routes ?? allOperations)) {
      const fn = this.groupFunction(group, props);
      const integration = new HttpLambdaIntegration(`${pascal(group)}Integration`, fn);
      for (const route of routes) {
        this.httpApi.addRoutes({
          path: route.path,
          methods: [apigw.HttpMethod[route.method]],
          integration,
          authorizer: route.access === 'public' ? new apigw.HttpNoneAuthorizer() : authorizer,
        });
      }
    }
  }

  private groupFunction(group: RouteGroup, props: ApiProps): KeyledgerFunction {
    const { tables } = props;
    const access = GROUP_ACCESS[group];
    const fn = new KeyledgerFunction(this, `${pascal(group)}Function`, {
      entry: `functions/api/groups/${group}.ts`,
      description: `keyledger API: ${group} routes`,
      config: props.config,
      environment: {
        ...tables.environment(),
        KEYLEDGER_JWKS_TABLE: tables.readModels.tableName,
        KEYLEDGER_CRYPTO_FUNCTION: props.crypto.functionName,
        // functions/shared/lambda-runtime.ts: this group ensures the token-signing key and publishes it.
        ...(access.publishJwks ? { KEYLEDGER_PUBLISH_JWKS: 'true' } : {}),
        KEYLEDGER_TOKEN_ISSUER: this.tokenIssuer,
      },
    });
    if (access.writeEvents) tables.events.grantReadWriteData(fn);
    else if (access.readEvents) tables.events.grantReadData(fn);
    if (access.readModels) tables.readModels.grantReadData(fn);
    if (access.audit) tables.audit.grantReadWriteData(fn);
    if (access.idempotency) tables.idempotency.grantReadWriteData(fn);
    if (access.crypto) props.crypto.grantInvoke(fn);
    if (access.publishJwks) this.grantJwks(fn, ['dynamodb:GetItem', 'dynamodb:PutItem']);
    this.groupFunctions.set(group, fn);
    return fn;
  }

  /** Access to the JWKS item only: the read-model table's reserved partition, nothing else in it. */
  private grantJwks(fn: lambda.IFunction, actions: string[]): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions,
        resources: [this.tables.readModels.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [JWKS_PARTITION] } },
      }),
    );
    this.tables.key.grantDecrypt(fn);
    if (actions.includes('dynamodb:PutItem')) this.tables.key.grantEncrypt(fn);
  }
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
