import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import type { VerificationKey, VerificationKeySource } from '../../application/identity/tokens.ts';
import { JWKS_ATTRIBUTE, jwksItemKey } from './jwks-item.ts';

/**
 * A published token-signing key (functions/shared/jwks-publisher.ts): an EC P-256 public JWK with its `kid`,
 * and for a retired key `exp`, the second after which it verifies nothing (a member RFC 7517 allows; readers
 * that do not know it ignore it).
 */
const publishedJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().min(1),
  y: z.string().min(1),
  kid: z.string().min(1),
  exp: z.number().int().positive().optional(),
});

const jwksSchema = z.object({ keys: z.array(z.unknown()) });

/** The verification keys of a JWKS document; entries of another kind are skipped. */
export function parseJwks(json: string): VerificationKey[] {
  const keys: VerificationKey[] = [];
  for (const candidate of jwksSchema.parse(JSON.parse(json) as unknown).keys) {
    const parsed = publishedJwk.safeParse(candidate);
    if (!parsed.success) continue;
    const { kty, crv, x, y, kid, exp } = parsed.data;
    keys.push({
      kid,
      publicKey: createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' }),
      untilMs: exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000,
    });
  }
  return keys;
}

/**
 * The keys the authorizer and the API functions verify tokens with: the JWKS item (a strongly consistent
 * read), read again whenever the verifier asks (application/identity/tokens.ts TokenVerifier: every minute,
 * and on a `kid` it does not know).
 */
export function jwksVerificationKeys(client: DynamoDBClient, tableName: string): VerificationKeySource {
  return async () => {
    const result = await client.send(
      new GetItemCommand({ TableName: tableName, Key: jwksItemKey(), ConsistentRead: true }),
    );
    const json = result.Item?.[JWKS_ATTRIBUTE]?.S;
    return json === undefined ? [] : parseJwks(json);
  };
}
