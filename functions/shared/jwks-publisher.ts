import { createPublicKey } from 'node:crypto';
import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadState } from '../../application/command-handler.ts';
import { SIGNING_KEYS_STREAM, signingKeysAggregate } from '../../application/identity/signing-keys-aggregate.ts';
import { verificationKeys } from '../../application/identity/signing-keys.ts';
import { SIGNING_KEY_LABEL } from '../../application/identity/tokens.ts';
import type { AppServices } from '../../application/services.ts';
import { JWKS_ATTRIBUTE, jwksItemKey } from '../authorizer/jwks-item.ts';

/** Number attribute of the JWKS item: the signing-keys stream version the published keys were read at. */
export const JWKS_VERSION_ATTRIBUTE = 'signingKeysVersion';

export interface PublishedKey {
  readonly kid: string;
  /** SPKI DER of the public half. */
  readonly publicKey: Uint8Array;
  /** A retired key's end (ms since the epoch); Infinity for the current key. */
  readonly untilMs: number;
}

/**
 * Writes `keys` as the JWKS item the authorizer and the API functions read (functions/authorizer/jwks-item.ts),
 * stamped with the signing-keys stream `version` they were read at. A publication read at an older version
 * never replaces a newer one (two cold starts around a rotation); an equal one rewrites the same keys.
 */
export async function publishJwks(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly PublishedKey[],
  version: number,
): Promise<void> {
  const jwks = keys.map(({ kid, publicKey, untilMs }) => {
    const jwk = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    // `exp` (seconds): after it the key verifies nothing (functions/authorizer/jwks-source.ts).
    const end = Number.isFinite(untilMs) ? { exp: Math.ceil(untilMs / 1000) } : {};
    return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig', ...end };
  });
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...jwksItemKey(),
          [JWKS_ATTRIBUTE]: { S: JSON.stringify({ keys: jwks }) },
          [JWKS_VERSION_ATTRIBUTE]: { N: String(version) },
        },
        ConditionExpression: 'attribute_not_exists(#v) OR #v <= :v',
        ExpressionAttributeNames: { '#v': JWKS_VERSION_ATTRIBUTE },
        ExpressionAttributeValues: { ':v': { N: String(version) } },
      }),
    );
  } catch (error) {
    // Someone published a newer set meanwhile: theirs stands.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/**
 * Publishes the keys that verify live tokens, from the signing-keys stream: the current key and every retired
 * key still within its validity (application/identity/signing-keys.ts `verificationKeys`); before the first
 * rotation, the first key as the HSM holds it (made if missing). Returns the kids it published.
 */
export async function publishVerificationKeys(
  services: Pick<AppServices, 'store' | 'hsm' | 'now'>,
  client: DynamoDBClient,
  tableName: string,
): Promise<ReadonlySet<string>> {
  const { state, version } = await loadState(services.store, signingKeysAggregate, SIGNING_KEYS_STREAM);
  const keys: PublishedKey[] =
    state.status === 'Rotated'
      ? verificationKeys(state, services.now().getTime())
      : [
          {
            kid: SIGNING_KEY_LABEL,
            publicKey: await services.hsm.ensureSigningKey(SIGNING_KEY_LABEL),
            untilMs: Number.POSITIVE_INFINITY,
          },
        ];
  await publishJwks(client, tableName, keys, version);
  return new Set(keys.map((key) => key.kid));
}
