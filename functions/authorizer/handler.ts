import { dynamoDbClient } from '../../events/dynamodb/dynamodb-clients.ts';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import {
  bearerToken,
  TokenRejectedError,
  tokenRulesFromEnv,
  TokenVerifier,
} from '../../application/identity/tokens.ts';
import { jwksVerificationKeys } from './jwks-source.ts';
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

let defaultVerifier: TokenVerifier | undefined;

function verifier(): TokenVerifier {
  defaultVerifier ??= new TokenVerifier(
    jwksVerificationKeys(dynamoDbClient(), requiredEnv('KEYLEDGER_JWKS_TABLE')),
    tokenRulesFromEnv(),
  );
  return defaultVerifier;
}

const DENY = { isAuthorized: false, context: { principalId: '' } } satisfies AuthorizerResult;

/** The authorizer's logic, with its verifier injectable for tests. */
export async function authorize(
  event: APIGatewayRequestAuthorizerEventV2,
  tokens: TokenVerifier,
  nowMs: number = Date.now(),
): Promise<AuthorizerResult> {
  const token = bearerToken(event.headers?.authorization ?? event.identitySource?.[0]);
  if (token === undefined) return DENY;
  try {
    const claims = await tokens.verify(token, nowMs);
    return { isAuthorized: true, context: { principalId: claims.sub } };
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      logger.info('token rejected', { reason: error.reason, routeKey: event.routeKey });
      return DENY;
    }
    throw error;
  }
}

/**
 * API Gateway HTTP API Lambda authorizer (payload 2.0, simple responses) for the service's ES256 bearer
 * tokens, with the same verifier as the API functions and the local server.
 */
export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> {
  return authorize(event, verifier());
}
