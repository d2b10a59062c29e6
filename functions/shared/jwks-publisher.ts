import { createPublicKey } from 'node:crypto';
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { JWKS_ATTRIBUTE, jwksItemKey } from '../authorizer/jwks-item.ts';

const storedJwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

/**
 * Publishes the public half of the token-signing key `kid` (SPKI DER, from the HSM) in the JWKS item
 * the authorizer and the API functions read (functions/authorizer/jwks-item.ts). Other published
 * keys are kept, a key already published under `kid` is replaced. Idempotent: concurrent cold
 * starts publish the same key.
 */
export async function publishSigningKey(client: DynamoDBClient, tableName: string, kid: string, spkiDer: Uint8Array): Promise<void> {
  const jwk = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const current = await client.send(new GetItemCommand({ TableName: tableName, Key: jwksItemKey(), ConsistentRead: true }));
  const json = current.Item?.[JWKS_ATTRIBUTE]?.S;
  const others = json === undefined ? [] : storedJwks.parse(JSON.parse(json)).keys.filter((key) => key['kid'] !== kid);
  const keys = [...others, { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' }];
  await client.send(new PutItemCommand({
    TableName: tableName,
    Item: { ...jwksItemKey(), [JWKS_ATTRIBUTE]: { S: JSON.stringify({ keys }) } },
  }));
}
