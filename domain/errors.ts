/**
 * Reason codes a domain decision can refuse with. They are Key Protect's `reasons[].code` values;
 * the edge maps each to its HTTP status once, with {@link reasonHttpStatus}.
 *
 * Source of every code and status, unless marked otherwise: IBM Cloud Docs, Key Protect
 * "Error messages" (cloud.ibm.com/docs/key-protect?topic=key-protect-error-messages; the
 * ibm-cloud-docs/key-protect repository, error-messages.md, 2021 and 2025 revisions):
 *
 * | code                          | HTTP | Key Protect's message / when                                                  |
 * | ----------------------------- | ---- | ----------------------------------------------------------------------------- |
 * | BAD_BODY_ERR                  | 400  | Invalid body data was passed                                                  |
 * | INVALID_FIELD_ERR             | 400  | Invalid field error (a field's value breaks its rule)                         |
 * | KEY_EXPIRED_ERR               | 400  | The action could not be performed on the key because the key is expired       |
 * | KEY_RESTORE_EXPIRED           | 400  | Key restoration has expired (deleted more than 30 days ago)                   |
 * | KEY_ROOT_REQ_ERR              | 400  | Requested action can only be completed with a root key (disable, enable,      |
 * |                               |      | restore, rotate, unwrap, wrap)                                                |
 * | KEY_PAYLOAD_REQ_ERR           | 400  | Root key created with user-supplied material: material required to rotate     |
 * | FEATURE_RESTRICTED_ERR        | 403  | This action is not permitted on this resource                                 |
 * | KEY_NOT_FOUND_ERR             | 404  | Key does not exist (also every purged key: "Once a key has been purged, any   |
 * |                               |      | API calls that use the Key ID of a purged key will result in a 404")          |
 * | KEY_ACTION_INVALID_STATE_ERR  | 409  | Key is not in a valid state (wrap, unwrap, rotate, set/unset for deletion,    |
 * |                               |      | disable need Active; enable an expired key; restore a non-deleted key)        |
 * | KEY_ROTATION_NOT_PERMITTED    | 409  | This root key has been rotated within the last hour                           |
 * | REQ_TOO_EARLY_ERR             | 409  | The key was updated recently: Please wait and try again (enable or restore    |
 * |                               |      | within 30 s of the last action)                                               |
 * | PROTECTED_RESOURCE_ERR        | 409  | Key is protecting one or more cloud resources (delete without force)          |
 * | PREV_KEY_DEL_ERR              | 409  | The key cannot be deleted because it's protecting a cloud resource that has a |
 * |                               |      | retention policy (a registration with preventKeyDeletion; force or not)       |
 * | AUTHORIZATIONS_NOT_MET        | 409  | Number of authorizations required to delete is not met (dual auth)            |
 * | NOT_DUAL_AUTH_ERR             | 409  | The key is not dual auth enabled and cannot be set for deletion               |
 * | KEY_DELETED_ERR               | 410  | Key has already been deleted                                                  |
 * | KEY_INVALID_STATE_ERR         | 422  | Key is not in a valid state (registering a key that is not Active)            |
 * | KEY_ROOT_REQ_REG_ERR          | 422  | Requested action can only be completed with a root key (registrations)        |
 * | UNPROCESSABLE_CIPHERTEXT_ERR  | 422  | The provided ciphertext is invalid or corrupted                               |
 *
 * Not on that page, chosen by keyledger (kept in Key Protect's style, 4xx only):
 * | CONFLICT_ERR                  | 409  | keyledger: the key (or registration) already exists                           |
 * | DUPLICATE_ALIAS_ERR           | 409  | keyledger: the alias names another key of the instance (the application's     |
 * |                               |      | alias index decides it; one key stream cannot)                                |
 * | KEY_ALIAS_QUOTA_ERR           | 400  | keyledger: more than 5 aliases on one key (Key Protect's limit; its reason    |
 * |                               |      | code for it is not documented on the error page)                              |
 * | REGISTRATION_NOT_FOUND_ERR    | 404  | keyledger: no registration with that CRN on this key                          |
 *
 * Key rings, instance policies, secure import (Key Protect's error page where it documents them):
 * | COLLECTION_TOTAL_MISMATCH_ERR | 400  | Collection total does not match number of resources (instance policies)       |
 * | BODY_QUERY_PARAM_MISMATCH_ERR | 400  | Data in body does not match data required by query parameter                  |
 * | NUM_COLLECTION_RESOURCE_ERR   | 400  | Only a single instance policy may be created when `policy` is given           |
 * | INCORRECT_NONCE_ERR           | 400  | The encrypted nonce given does not match existing record                      |
 * | INCORRECT_NONCE_IV_ERR        | 400  | The provided encrypted nonce was not encrypted with the given IV              |
 * | KEY_CREATE_IMPORT_ACCESS_ERR  | 409  | KeyCreateImportAccess instance policy does not allow this action              |
 * | IMPORT_TOKEN_EXPIRED_ERR      | 409  | The import token has expired                                                  |
 * | IMPORT_TOKEN_NOT_FOUND_ERR    | 404  | keyledger: the instance has no import token                                   |
 * | IMPORT_TOKEN_RETRIEVALS_ERR   | 409  | keyledger: the import token's maxAllowedRetrievals are used up                |
 * | KEY_RING_NOT_FOUND_ERR        | 404  | keyledger: no key ring with that id in the instance                           |
 * | KEY_RING_NOT_EMPTY_ERR        | 409  | keyledger: the key ring still holds keys (or, with force, keys not Destroyed) |
 *
 * Administration API (keyledger's own, /admin/v1):
 * | PRINCIPAL_NOT_FOUND_ERR       | 404  | keyledger: no active principal with that id                                   |
 * | BINDING_NOT_FOUND_ERR         | 404  | keyledger: no access binding with that id on the instance                     |
 * | SUBSCRIPTION_NOT_FOUND_ERR    | 404  | keyledger: no webhook subscription with that id on the instance               |
 */
export type ReasonCode =
  | 'BAD_BODY_ERR'
  | 'INVALID_FIELD_ERR'
  | 'KEY_EXPIRED_ERR'
  | 'KEY_RESTORE_EXPIRED'
  | 'KEY_ROOT_REQ_ERR'
  | 'KEY_PAYLOAD_REQ_ERR'
  | 'FEATURE_RESTRICTED_ERR'
  | 'KEY_NOT_FOUND_ERR'
  | 'KEY_ACTION_INVALID_STATE_ERR'
  | 'KEY_ROTATION_NOT_PERMITTED'
  | 'REQ_TOO_EARLY_ERR'
  | 'PROTECTED_RESOURCE_ERR'
  | 'PREV_KEY_DEL_ERR'
  | 'AUTHORIZATIONS_NOT_MET'
  | 'NOT_DUAL_AUTH_ERR'
  | 'KEY_DELETED_ERR'
  | 'KEY_INVALID_STATE_ERR'
  | 'KEY_ROOT_REQ_REG_ERR'
  | 'UNPROCESSABLE_CIPHERTEXT_ERR'
  | 'CONFLICT_ERR'
  | 'DUPLICATE_ALIAS_ERR'
  | 'KEY_ALIAS_QUOTA_ERR'
  | 'REGISTRATION_NOT_FOUND_ERR'
  | 'COLLECTION_TOTAL_MISMATCH_ERR'
  | 'BODY_QUERY_PARAM_MISMATCH_ERR'
  | 'NUM_COLLECTION_RESOURCE_ERR'
  | 'INCORRECT_NONCE_ERR'
  | 'INCORRECT_NONCE_IV_ERR'
  | 'KEY_CREATE_IMPORT_ACCESS_ERR'
  | 'IMPORT_TOKEN_EXPIRED_ERR'
  | 'IMPORT_TOKEN_NOT_FOUND_ERR'
  | 'IMPORT_TOKEN_RETRIEVALS_ERR'
  | 'KEY_RING_NOT_FOUND_ERR'
  | 'KEY_RING_NOT_EMPTY_ERR'
  | 'PRINCIPAL_NOT_FOUND_ERR'
  | 'BINDING_NOT_FOUND_ERR'
  | 'SUBSCRIPTION_NOT_FOUND_ERR';

/** The HTTP status each reason code answers with (pure data; the edge's one mapping). */
export const reasonHttpStatus = {
  BAD_BODY_ERR: 400,
  INVALID_FIELD_ERR: 400,
  KEY_EXPIRED_ERR: 400,
  KEY_RESTORE_EXPIRED: 400,
  KEY_ROOT_REQ_ERR: 400,
  KEY_PAYLOAD_REQ_ERR: 400,
  KEY_ALIAS_QUOTA_ERR: 400,
  FEATURE_RESTRICTED_ERR: 403,
  KEY_NOT_FOUND_ERR: 404,
  REGISTRATION_NOT_FOUND_ERR: 404,
  KEY_ACTION_INVALID_STATE_ERR: 409,
  KEY_ROTATION_NOT_PERMITTED: 409,
  REQ_TOO_EARLY_ERR: 409,
  PROTECTED_RESOURCE_ERR: 409,
  PREV_KEY_DEL_ERR: 409,
  AUTHORIZATIONS_NOT_MET: 409,
  NOT_DUAL_AUTH_ERR: 409,
  CONFLICT_ERR: 409,
  DUPLICATE_ALIAS_ERR: 409,
  KEY_DELETED_ERR: 410,
  KEY_INVALID_STATE_ERR: 422,
  KEY_ROOT_REQ_REG_ERR: 422,
  UNPROCESSABLE_CIPHERTEXT_ERR: 422,
  COLLECTION_TOTAL_MISMATCH_ERR: 400,
  BODY_QUERY_PARAM_MISMATCH_ERR: 400,
  NUM_COLLECTION_RESOURCE_ERR: 400,
  INCORRECT_NONCE_ERR: 400,
  INCORRECT_NONCE_IV_ERR: 400,
  KEY_CREATE_IMPORT_ACCESS_ERR: 409,
  IMPORT_TOKEN_EXPIRED_ERR: 409,
  IMPORT_TOKEN_NOT_FOUND_ERR: 404,
  IMPORT_TOKEN_RETRIEVALS_ERR: 409,
  KEY_RING_NOT_FOUND_ERR: 404,
  KEY_RING_NOT_EMPTY_ERR: 409,
  PRINCIPAL_NOT_FOUND_ERR: 404,
  BINDING_NOT_FOUND_ERR: 404,
  SUBSCRIPTION_NOT_FOUND_ERR: 404,
} as const satisfies Record<ReasonCode, 400 | 403 | 404 | 409 | 410 | 422>;

export type ReasonHttpStatus = (typeof reasonHttpStatus)[ReasonCode];

/** A refused decision. `message` is safe to show the caller (4xx); it never holds key material. */
export class DomainError extends Error {
  constructor(
    readonly code: ReasonCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** The HTTP status Key Protect answers this refusal with. */
  get httpStatus(): ReasonHttpStatus {
    return reasonHttpStatus[this.code];
  }
}
