import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { DynamoJwksSource, type JwksSource } from './jwks-source.ts';
import { peekKid, selectKey, TokenRejectedError, verifyEs256 } from './jwt.ts';
import { logger } from '../shared/logger.ts';

/** What the API handlers find in `event.requestContext.authorizer.lambda`. */
export interface AuthorizerContext {
  readonly principalId: string;
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

let defaultSource: JwksSource | undefined;

function source(): JwksSource {
  defaultSource ??= new DynamoJwksSource(new DynamoDBClient({}), requiredEnv('KEYLEDGER_JWKS_TABLE'));
  return defaultSource;
}

const DENY = { isAuthorized: false, context: { principalId: '' } } satisfies AuthorizerResult;

function bearer(event: APIGatewayRequestAuthorizerEventV2): string | undefined {
  const header = event.headers?.authorization ?? event.identitySource?.[0];
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** The authorizer's logic, with its key source injectable for tests. */
export async function authorize(
  event: APIGatewayRequestAuthorizerEventV2,
  jwks: JwksSource,
  now: number = Math.floor(Date.now() / 1000),
): Promise<AuthorizerResult> {
  const token = bearer(event);
  if (token === undefined) return DENY;
  try {
    let keys = await jwks.keys();
    // A kid we do not know yet may belong to a signing key published after our last read.
    if (selectKey(keys, peekKid(token)) === undefined) keys = await jwks.keys(true);
    const claims = verifyEs256(token, keys, { now, issuer: process.env['KEYLEDGER_TOKEN_ISSUER'] });
    return { isAuthorized: true, context: { principalId: claims.sub } };
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      logger.info('token rejected', { reason: error.reason, routeKey: event.routeKey });
      return DENY;
    }
    throw error;
  }
}

/** API Gateway HTTP API Lambda authorizer (payload 2.0, simple responses) for ES256 bearer tokens. */
export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> {
  return authorize(event, source());
}
