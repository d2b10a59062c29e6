/**
 * Where the token-signing public keys (a JWKS, RFC 7517) are published for the authorizer: one item of
 * the table named by `KEYLEDGER_JWKS_TABLE` (the read-model table on AWS), in a partition no instance
 * can have (instance ids are UUIDs), with the JWKS JSON in the string attribute `jwks`.
 */
export const JWKS_ITEM_KEY = { instanceId: '#system', keyId: 'jwks' } as const;

/** Name of the string attribute that holds the JWKS JSON. */
export const JWKS_ATTRIBUTE = 'jwks';
