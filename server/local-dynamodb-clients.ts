import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { dynamoDbClient, dynamoDbStreamsClient } from '../events/dynamodb/dynamodb-clients.ts';
import type { ServerConfig } from './config.ts';

/**
 * The one place that configures the local DynamoDB mode's clients (`npm run start:dynamodb`,
 * `keyledger read-models rebuild`): the configured endpoint, with a placeholder region and
 * credentials, which DynamoDB Local accepts and which keep the SDK from looking for real ones.
 * server/open-services.ts opens the stores with them, the Streams poller reads the events table's
 * stream with them (server/read-model-feed.ts), the rebuild replaces the key list with them.
 */
function localClientConfig(config: ServerConfig) {
  if (!config.dynamodbEndpoint)
    throw new Error('KEYLEDGER_DYNAMODB_ENDPOINT is required with KEYLEDGER_STORE=dynamodb');
  return {
    endpoint: config.dynamodbEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

/** A DynamoDB client for the local DynamoDB mode, owned by the caller. */
export function localDynamoDbClient(config: ServerConfig): DynamoDBClient {
  return dynamoDbClient(localClientConfig(config));
}

/** A DynamoDB Streams client for the local DynamoDB mode, owned by the caller. */
export function localDynamoDbStreamsClient(config: ServerConfig): DynamoDBStreamsClient {
  return dynamoDbStreamsClient(localClientConfig(config));
}
