/**
 * The one definition of how keyledger talks to DynamoDB and DynamoDB Streams, on AWS and in the local
 * DynamoDB mode: bounded retries, timeouts, and what an exhausted retry becomes.
 *
 * - Retries: the SDK's standard strategy, 3 attempts per call, exponential backoff with full jitter,
 *   and its retry quota (a token bucket shared by the client: once many calls fail, further calls are
 *   not retried at all), so an outage does not turn into a retry storm.
 * - Timeouts: 1 s to connect, 3 s without a byte from an established connection (a DynamoDB that
 *   accepts connections but does not answer); each timeout is retried like a throttle. The request
 *   timeout throws only with `throwOnRequestTimeout` (without it, @smithy/node-http-handler merely logs
 *   a warning and waits on: measured, a stalled call then waited until the request's own deadline).
 * - Once the retries are spent, a throttle, a timeout, a network error or a 5xx becomes
 *   {@link DependencyUnavailableError}, which the edge answers with 503. Conditional-check failures
 *   and every other service error pass through as they are.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, type DynamoDBStreamsClientConfig } from '@aws-sdk/client-dynamodb-streams';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { DependencyUnavailableError } from '../../application/ports/dependency-unavailable.ts';

export const DYNAMODB_MAX_ATTEMPTS = 3;

const RESILIENCE = {
  maxAttempts: DYNAMODB_MAX_ATTEMPTS,
  retryMode: 'standard',
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
} as const;

/** Whether an error that survived the SDK's retries means "DynamoDB cannot serve now". */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const sdk = error as Parameters<typeof isThrottlingError>[0];
  const code = (error as { code?: unknown }).code;
  return (
    isThrottlingError(sdk) ||
    isTransientError(sdk) ||
    isServerError(sdk) ||
    (typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)/.test(code))
  );
}

/**
 * The middleware that turns exhausted retries into {@link DependencyUnavailableError}; added at the
 * `initialize` step, outside the retry step, so it sees only what the retries could not fix.
 */
function unavailableMiddleware(dependency: string) {
  return <Input extends object, Output extends object>(next: (args: Input) => Promise<Output>) =>
    async (args: Input): Promise<Output> => {
      try {
        return await next(args);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        const name = error instanceof Error ? error.name : 'error';
        throw new DependencyUnavailableError(dependency, `${dependency} unavailable (${name})`, { cause: error });
      }
    };
}

const MIDDLEWARE = { step: 'initialize', name: 'keyledgerDependencyUnavailable' } as const;

/** A DynamoDB client with keyledger's retry, timeout and error settings; `config` adds endpoint, region, credentials. */
export function dynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  const client = new DynamoDBClient({ ...RESILIENCE, ...config });
  client.middlewareStack.add(unavailableMiddleware('dynamodb'), MIDDLEWARE);
  return client;
}

/** The same for DynamoDB Streams (the change feed). */
export function dynamoDbStreamsClient(config: DynamoDBStreamsClientConfig = {}): DynamoDBStreamsClient {
  const client = new DynamoDBStreamsClient({ ...RESILIENCE, ...config });
  client.middlewareStack.add(unavailableMiddleware('dynamodb-streams'), MIDDLEWARE);
  return client;
}
