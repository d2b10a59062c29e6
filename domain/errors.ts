/**
 * Every reason code keyledger answers with (`reasons[].code` of a Key Protect error body) and the HTTP
 * status it answers with: the one table, from which {@link ReasonCode} is derived.
 *
 * Key Protect's own codes and statuses come from IBM Cloud Docs, Key Protect "Error messages"
 * (cloud.ibm.com/docs/key-protect?topic=key-protect-error-messages). Codes marked "keyledger" are not on
 * that page and are chosen here in Key Protect's style.
 */
export const REASON_STATUS = {
  // Key Protect's codes
  /** Invalid body data was passed. */
  BAD_BODY_ERR: 400,
  /** A field's value breaks its rule. */
  INVALID_FIELD_ERR: 400,
  /** The action could not be performed on the key because the key is expired. */
  KEY_EXPIRED_ERR: 400,
  /** Key restoration has expired (deleted more than 30 days ago). */
  KEY_RESTORE_EXPIRED: 400,
  /** The action needs a root key (disable, enable, restore, rotate, unwrap, wrap). */
  KEY_ROOT_REQ_ERR: 400,
  /** A root key created with user-supplied material needs material to rotate. */
  KEY_PAYLOAD_REQ_ERR: 400,
  /** Collection total does not match number of resources. */
  COLLECTION_TOTAL_MISMATCH_ERR: 400,
  /** Data in the body does not match the `policy` query parameter. */
  BODY_QUERY_PARAM_MISMATCH_ERR: 400,
  /** A request that needs a body came without one (Key Protect: unwrap and rewrap). */
  NO_BODY_ERR: 400,
  /** A query parameter's value breaks its rule ("The query_param '<name>' must be: <rule>"). */
  INVALID_QUERY_PARAM_ERR: 400,
  /** A key search over more than 5,000 keys: narrow it with state, extractable, filter or x-kms-key-ring. */
  KEY_SEARCH_TOO_BROAD: 400,
  /** Only a single instance policy may be set when `policy` is given. */
  NUM_COLLECTION_RESOURCE_ERR: 400,
  /** The encrypted nonce does not match the import token's. */
  INCORRECT_NONCE_ERR: 400,
  /** The encrypted nonce was not encrypted with the given IV. */
  INCORRECT_NONCE_IV_ERR: 400,
  /** The caller may not do this (a missing role, a bad token, a refused address): the same answer for each. */
  UNAUTHORIZED_ERR: 401,
  /** This action is not permitted on this resource. */
  FEATURE_RESTRICTED_ERR: 403,
  /** The key does not exist (also every purged key, and a key of another instance). */
  KEY_NOT_FOUND_ERR: 404,
  /** The key is not in a valid state for the action. */
  KEY_ACTION_INVALID_STATE_ERR: 409,
  /** The root key was rotated within the least rotation interval. */
  KEY_ROTATION_NOT_PERMITTED: 409,
  /** The key was updated recently: wait and try again. */
  REQ_TOO_EARLY_ERR: 409,
  /** The key protects cloud resources (delete without force). */
  PROTECTED_RESOURCE_ERR: 409,
  /** The key protects a resource with a retention policy (preventKeyDeletion). */
  PREV_KEY_DEL_ERR: 409,
  /** The authorizations required to delete (dual authorization) are not met. */
  AUTHORIZATIONS_NOT_MET: 409,
  /** The key has no dual authorization policy, so it cannot be set for deletion. */
  NOT_DUAL_AUTH_ERR: 409,
  /** The keyCreateImportAccess instance policy does not allow this action. */
  KEY_CREATE_IMPORT_ACCESS_ERR: 409,
  /** The import token has expired. */
  IMPORT_TOKEN_EXPIRED_ERR: 409,
  /** The key has already been deleted. */
  KEY_DELETED_ERR: 410,
  /** The key is not in a valid state (registering a key that is not Active). */
  KEY_INVALID_STATE_ERR: 422,
  /** Registrations need a root key. */
  KEY_ROOT_REQ_REG_ERR: 422,
  /** The ciphertext is invalid or corrupted. */
  UNPROCESSABLE_CIPHERTEXT_ERR: 422,
  /** The instance is above its request rate limit. */
  TOO_MANY_REQUESTS_ERR: 429,
  /** Anything that is not the caller's fault; the message is generic. */
  INTERNAL_SERVER_ERR: 500,

  // keyledger's codes
  /** keyledger: a malformed request outside any body field (a missing header, a bad cursor). */
  BAD_REQUEST_ERR: 400,
  /** keyledger: more than 5 aliases on one key (Key Protect's limit; its code is not documented). */
  KEY_ALIAS_QUOTA_ERR: 400,
  /** keyledger: more than 50 key rings in one instance (Key Protect's limit; its code is not documented). */
  KEY_RING_QUOTA_ERR: 400,
  /** keyledger: no key ring with that id in the instance. */
  KEY_RING_NOT_FOUND_ERR: 404,
  /** keyledger: no registration with that CRN on this key. */
  REGISTRATION_NOT_FOUND_ERR: 404,
  /** keyledger: the instance has no import token. */
  IMPORT_TOKEN_NOT_FOUND_ERR: 404,
  /** keyledger (administration API): no instance with that id. */
  INSTANCE_NOT_FOUND_ERR: 404,
  /** keyledger (administration API): no active principal with that id. */
  PRINCIPAL_NOT_FOUND_ERR: 404,
  /** keyledger (administration API): no access binding with that id on the instance. */
  BINDING_NOT_FOUND_ERR: 404,
  /** keyledger (administration API): no webhook subscription with that id on the instance. */
  SUBSCRIPTION_NOT_FOUND_ERR: 404,
  /** keyledger (administration API): no dead-lettered delivery with that id on the subscription. */
  DEAD_LETTER_NOT_FOUND_ERR: 404,
  /** keyledger: no route has this path. */
  NOT_FOUND_ERR: 404,
  /** keyledger: the path exists, the method does not. */
  METHOD_NOT_ALLOWED_ERR: 405,
  /** keyledger: the key (or registration) already exists. */
  CONFLICT_ERR: 409,
  /** keyledger: the alias names another key of the instance. */
  DUPLICATE_ALIAS_ERR: 409,
  /** keyledger: the import token's maxAllowedRetrievals are used up. */
  IMPORT_TOKEN_RETRIEVALS_ERR: 409,
  /** keyledger: the key ring still holds keys (or, with force, keys that are not Destroyed). */
  KEY_RING_NOT_EMPTY_ERR: 409,
  /** keyledger: the Idempotency-Key was used before with a different request (idempotent retries). */
  IDEMPOTENCY_KEY_REUSED_ERR: 422,
  /** keyledger: the request's audit record could not be made durable, so no answer is given (fail closed). */
  AUDIT_UNAVAILABLE_ERR: 500,
  /** keyledger: the route is in the table but its module is not deployed. */
  NOT_IMPLEMENTED_ERR: 501,
  /**
   * keyledger: a dependency cannot serve now (the disk is full or read-only, the database does not
   * answer or throttles, the HSM session is lost); nothing was acknowledged, retry after `Retry-After`.
   */
  SERVICE_UNAVAILABLE_ERR: 503,

  // IBM IAM's code for an API key it cannot use (the token exchange answers with IAM's error body).
  BXNIM0415E: 400,
} as const;

export type ReasonCode = keyof typeof REASON_STATUS;
export type ReasonStatus = (typeof REASON_STATUS)[ReasonCode];

/**
 * The one named input an error is about, shown as `reasons[].target` where Key Protect shows one: `field` for a
 * body field, `query_param` for a query parameter, `header` for a request header.
 */
export interface ErrorTarget {
  readonly type: 'field' | 'query_param' | 'header';
  readonly name: string;
}

/** A refused decision. `message` is safe to show the caller (4xx); it never holds key material. */
export class DomainError extends Error {
  constructor(
    readonly code: ReasonCode,
    message: string,
    readonly target?: ErrorTarget,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** The HTTP status Key Protect answers this refusal with. */
  get httpStatus(): ReasonStatus {
    return REASON_STATUS[this.code];
  }
}
