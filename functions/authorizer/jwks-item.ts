import { KEY_LIST_TABLE } from '../../events/read-models/dynamodb/key-list-table-schema.ts';

/**
 * Where the token-signing public keys (a JWKS, RFC 7517) are published for the authorizer and the API
 * functions: one item of the read-model table (`KEYLEDGER_JWKS_TABLE`), in a partition no instance can
 * have (instance ids are UUIDs), with the JWKS JSON in the string attribute `jwks`. The table's key
 * attribute names come from its own definition, so the item and the table cannot drift apart.
 */
export const JWKS_PARTITION = '#system';
export const JWKS_SORT_KEY = 'jwks';

/** Name of the string attribute that holds the JWKS JSON. */
export const JWKS_ATTRIBUTE = 'jwks';

/** The item's primary key, as DynamoDB attribute values. */
export function jwksItemKey(): Record<string, { S: string }> {
  return {
    [KEY_LIST_TABLE.partitionKey.name]: { S: JWKS_PARTITION },
    [KEY_LIST_TABLE.sortKey.name]: { S: JWKS_SORT_KEY },
  };
}
