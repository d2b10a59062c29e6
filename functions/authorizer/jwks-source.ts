import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JWKS_ATTRIBUTE, jwksItemKey } from './jwks-item.ts';
import { parseJwks, type VerificationKey } from './jwt.ts';

/** How long fetched keys are trusted before they are read again. */
export const JWKS_TTL_MS = 60_000;
/** Least time between two reads forced by an unknown `kid` (a freshly rotated signing key). */
const REFRESH_FLOOR_MS = 5_000;

export interface JwksSource {
  /** Current keys; `refresh` forces a read unless the last one is very recent. */
  keys(refresh?: boolean): Promise<readonly VerificationKey[]>;
}

/** Reads the JWKS item from DynamoDB and caches it for {@link JWKS_TTL_MS} per Lambda instance. */
export class DynamoJwksSource implements JwksSource {
  private cached: readonly VerificationKey[] = [];
  private fetchedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async keys(refresh = false): Promise<readonly VerificationKey[]> {
    const age = this.clock() - this.fetchedAt;
    if (age < JWKS_TTL_MS && !(refresh && age >= REFRESH_FLOOR_MS)) return this.cached;
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: jwksItemKey(),
        ConsistentRead: true,
      }),
    );
    const json = result.Item?.[JWKS_ATTRIBUTE]?.S;
    this.cached = json === undefined ? [] : parseJwks(json);
    this.fetchedAt = this.clock();
    return this.cached;
  }
}
