import type { ZodType } from 'zod';
import type { OperationRule } from '../../domain/access/roles.ts';
import {
  auditQuery,
  createInstanceBody,
  createPrincipalBody,
  createSubscriptionBody,
  grantAccessBody,
  keyHistoryQuery,
  rotateSubscriptionSecretBody,
} from './schemas/admin.ts';
import { createImportTokenBody } from './schemas/import-tokens.ts';
import { keyFilterQuery, keyListQuery } from './schemas/key-list.ts';
import { keyRingListQuery } from './schemas/key-rings.ts';
import {
  createKeyBody,
  createKeyWithPolicyOverridesBody,
  keyVersionsQuery,
  moveKeyBody,
  rewrapBody,
  rotateBody,
  unwrapBody,
  wrapBody,
} from './schemas/keys.ts';
import { forceQuery } from './schemas/params.ts';
import { instancePolicyBody, instancePolicyQuery, keyPolicyBody, keyPolicyQuery } from './schemas/policies.ts';
import { registrationBody, registrationQuery } from './schemas/registrations.ts';

/**
 * Every operation of the service, one entry each, holding all that the edge knows about it: its HTTP
 * route, the name its audit records carry, who may call it, the schemas its request is parsed with, the
 * module under functions/api/ that implements it, and the Lambda function that serves it on AWS.
 * The local server's router, the API Gateway routes and Lambda functions of the CDK stack, the access
 * check and the generated Lambda entries (functions/api/groups/) are all derived from this table.
 */
export type RouteGroup = 'identity' | 'keys' | 'key-actions' | 'admin' | 'health';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call an operation: a Key Protect role rule (the least role, and what the operation acts on),
 * the service administrator alone (`/admin/v1`), or anyone (no bearer token: the token exchange, health).
 */
export type OperationAccess = OperationRule | 'admin' | 'public';

export interface OperationDefinition<Body = unknown, Query = unknown> {
  /** The audit name: the Key Protect SDK's method name, `admin.<name>`, `identity.token` or `health`. */
  readonly name: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{name}` parameters. */
  readonly path: string;
  readonly access: OperationAccess;
  /** The JSON body's schema; absent when the operation takes no body. */
  readonly body?: ZodType<Body>;
  /** The query string's schema; absent when the operation reads no query parameters. */
  readonly query?: ZodType<Query>;
  /** The module under functions/api/ exporting `handler`. */
  readonly handler: string;
  /** The Lambda function that serves the route on AWS. */
  readonly group: RouteGroup;
  /**
   * Key Protect API operations: what a refusal's `errorMsg` says failed, in Key Protect's words where its
   * documentation or the Go client's fixtures show them (`Key could not be created`), in their style elsewhere:
   * `"<Status text>: <failure>: Please see \`reasons\` for more details (<CODE>)"`.
   */
  readonly failure?: string;
  /**
   * The operation makes something new on every call (a key, a key version), so it honours an
   * `Idempotency-Key` header: a retry with the same key is answered from the first call
   * (functions/shared/idempotent-request.ts).
   */
  readonly idempotent?: true;
}

/** Keeps each entry's schema types, so a handler's `req.body` and `req.query` are typed by its entry. */
function op<Body = undefined, Query = undefined>(
  definition: OperationDefinition<Body, Query>,
): OperationDefinition<Body, Query> {
  return definition;
}

const reader = (target: OperationRule['target']): OperationRule => ({ requires: 'Reader', target });
const writer = (target: OperationRule['target']): OperationRule => ({ requires: 'Writer', target });
const manager = (target: OperationRule['target']): OperationRule => ({ requires: 'Manager', target });

export const operations = {
  health: op({ name: 'health', method: 'GET', path: '/health', access: 'public', handler: 'health', group: 'health' }),
  identityToken: op({
    name: 'identity.token',
    method: 'POST',
    path: '/identity/token',
    access: 'public',
    handler: 'identity-token',
    group: 'identity',
  }),
  getOpenApi: op({
    name: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    handler: 'get-openapi',
    group: 'health',
  }),

  // Keys
  createKey: op({
    name: 'createKey',
    failure: 'Key could not be created',
    method: 'POST',
    path: '/api/v2/keys',
    access: writer('keyRing'),
    body: createKeyBody,
    handler: 'create-key',
    idempotent: true,
    group: 'keys',
  }),
  createKeyWithPolicyOverrides: op({
    name: 'createKeyWithPolicyOverrides',
    failure: 'Key could not be created',
    method: 'POST',
    path: '/api/v2/keys_with_policy_overrides',
    access: writer('keyRing'),
    body: createKeyWithPolicyOverridesBody,
    handler: 'create-key-with-policy-overrides',
    idempotent: true,
    group: 'keys',
  }),
  getKeys: op({
    name: 'getKeys',
    failure: 'Keys could not be retrieved',
    method: 'GET',
    path: '/api/v2/keys',
    access: reader('collection'),
    query: keyListQuery,
    handler: 'list-keys',
    group: 'keys',
  }),
  getKeyCollectionMetadata: op({
    name: 'getKeyCollectionMetadata',
    failure: 'Keys could not be retrieved',
    method: 'HEAD',
    path: '/api/v2/keys',
    access: reader('collection'),
    query: keyFilterQuery,
    handler: 'get-key-collection-metadata',
    group: 'keys',
  }),
  getKey: op({
    name: 'getKey',
    failure: 'Key could not be retrieved',
    method: 'GET',
    path: '/api/v2/keys/{id}',
    access: reader('key'),
    handler: 'get-key',
    group: 'keys',
  }),
  getKeyMetadata: op({
    name: 'getKeyMetadata',
    failure: 'Key metadata could not be retrieved',
    method: 'GET',
    path: '/api/v2/keys/{id}/metadata',
    access: reader('key'),
    handler: 'get-key-metadata',
    group: 'keys',
  }),
  getKeyVersions: op({
    name: 'getKeyVersions',
    failure: 'KeyVersion(s) could not be retrieved',
    method: 'GET',
    path: '/api/v2/keys/{id}/versions',
    access: reader('key'),
    query: keyVersionsQuery,
    handler: 'get-key-versions',
    group: 'keys',
  }),
  patchKey: op({
    name: 'patchKey',
    failure: 'Key could not be updated',
    method: 'PATCH',
    path: '/api/v2/keys/{id}',
    access: manager('key'),
    body: moveKeyBody,
    handler: 'patch-key',
    group: 'keys',
  }),
  deleteKey: op({
    name: 'deleteKey',
    failure: 'Key could not be deleted',
    method: 'DELETE',
    path: '/api/v2/keys/{id}',
    access: manager('key'),
    query: forceQuery,
    handler: 'delete-key',
    group: 'keys',
  }),
  restoreKey: op({
    name: 'restoreKey',
    failure: 'Key could not be restored',
    method: 'POST',
    path: '/api/v2/keys/{id}/restore',
    access: manager('key'),
    handler: 'restore-key',
    group: 'keys',
  }),
  purgeKey: op({
    name: 'purgeKey',
    failure: 'Key could not be purged',
    method: 'DELETE',
    path: '/api/v2/keys/{id}/purge',
    access: { requires: 'KeyPurge', target: 'key' },
    handler: 'purge-key',
    group: 'keys',
  }),

  // Key actions
  wrapKey: op({
    name: 'wrapKey',
    failure: 'Wrap with key could not be performed',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/wrap',
    access: reader('key'),
    body: wrapBody,
    handler: 'wrap-key',
    group: 'key-actions',
  }),
  unwrapKey: op({
    name: 'unwrapKey',
    failure: 'Unwrap with key could not be performed',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/unwrap',
    access: reader('key'),
    body: unwrapBody,
    handler: 'unwrap-key',
    group: 'key-actions',
  }),
  rewrapKey: op({
    name: 'rewrapKey',
    failure: 'Rewrap with key could not be performed',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/rewrap',
    access: reader('key'),
    body: rewrapBody,
    handler: 'rewrap-key',
    group: 'key-actions',
  }),
  rotateKey: op({
    name: 'rotateKey',
    failure: 'Key could not be rotated',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/rotate',
    access: writer('key'),
    body: rotateBody,
    handler: 'rotate-key',
    idempotent: true,
    group: 'keys',
  }),
  disableKey: op({
    name: 'disableKey',
    failure: 'Key could not be disabled',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/disable',
    access: manager('key'),
    handler: 'disable-key',
    group: 'keys',
  }),
  enableKey: op({
    name: 'enableKey',
    failure: 'Key could not be enabled',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/enable',
    access: manager('key'),
    handler: 'enable-key',
    group: 'keys',
  }),
  setKeyForDeletion: op({
    name: 'setKeyForDeletion',
    failure: 'Action could not be performed on key',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/setKeyForDeletion',
    access: writer('key'),
    handler: 'set-key-for-deletion',
    group: 'keys',
  }),
  unsetKeyForDeletion: op({
    name: 'unsetKeyForDeletion',
    failure: 'Action could not be performed on key',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/unsetKeyForDeletion',
    access: writer('key'),
    handler: 'unset-key-for-deletion',
    group: 'keys',
  }),
  syncAssociatedResources: op({
    name: 'syncAssociatedResources',
    failure: 'Action could not be performed on key',
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/sync',
    access: writer('key'),
    handler: 'sync-associated-resources',
    group: 'keys',
  }),

  // Key rings
  listKeyRings: op({
    name: 'listKeyRings',
    failure: 'Key rings could not be retrieved',
    method: 'GET',
    path: '/api/v2/key_rings',
    access: reader('instance'),
    query: keyRingListQuery,
    handler: 'list-key-rings',
    group: 'keys',
  }),
  createKeyRing: op({
    name: 'createKeyRing',
    failure: 'Key ring could not be created',
    method: 'POST',
    path: '/api/v2/key_rings/{keyRingId}',
    access: writer('keyRing'),
    handler: 'create-key-ring',
    group: 'keys',
  }),
  deleteKeyRing: op({
    name: 'deleteKeyRing',
    failure: 'Key ring could not be deleted',
    method: 'DELETE',
    path: '/api/v2/key_rings/{keyRingId}',
    access: manager('keyRing'),
    query: forceQuery,
    handler: 'delete-key-ring',
    group: 'keys',
  }),

  // Aliases
  createKeyAlias: op({
    name: 'createKeyAlias',
    failure: 'Key alias could not be created',
    method: 'POST',
    path: '/api/v2/keys/{id}/aliases/{alias}',
    access: writer('key'),
    handler: 'create-key-alias',
    group: 'keys',
  }),
  deleteKeyAlias: op({
    name: 'deleteKeyAlias',
    failure: 'Key alias could not be deleted',
    method: 'DELETE',
    path: '/api/v2/keys/{id}/aliases/{alias}',
    access: writer('key'),
    handler: 'delete-key-alias',
    group: 'keys',
  }),

  // Key and instance policies
  getPolicy: op({
    name: 'getPolicy',
    failure: 'Key policies could not be retrieved',
    method: 'GET',
    path: '/api/v2/keys/{id}/policies',
    access: manager('key'),
    query: keyPolicyQuery,
    handler: 'get-policy',
    group: 'keys',
  }),
  putPolicy: op({
    name: 'putPolicy',
    failure: 'Key policy could not be created',
    method: 'PUT',
    path: '/api/v2/keys/{id}/policies',
    access: manager('key'),
    body: keyPolicyBody,
    query: keyPolicyQuery,
    handler: 'put-policy',
    group: 'keys',
  }),
  getInstancePolicy: op({
    name: 'getInstancePolicy',
    failure: 'Instance policies could not be retrieved',
    method: 'GET',
    path: '/api/v2/instance/policies',
    access: manager('instance'),
    query: instancePolicyQuery,
    handler: 'get-instance-policy',
    group: 'keys',
  }),
  putInstancePolicy: op({
    name: 'putInstancePolicy',
    failure: 'Instance policy could not be created',
    method: 'PUT',
    path: '/api/v2/instance/policies',
    access: manager('instance'),
    body: instancePolicyBody,
    query: instancePolicyQuery,
    handler: 'put-instance-policy',
    group: 'keys',
  }),
  getAllowedIpPort: op({
    name: 'getAllowedIpPort',
    failure: 'Allowed IP port could not be retrieved',
    method: 'GET',
    path: '/api/v2/instance/allowed_ip_port',
    // Key Protect: "you must be assigned a Manager access policy" to retrieve the port (manage-allowed-ip).
    access: manager('instance'),
    handler: 'get-allowed-ip-port',
    group: 'keys',
  }),

  // Registrations
  getRegistrationsAllKeys: op({
    name: 'getRegistrationsAllKeys',
    failure: 'Registrations could not be retrieved',
    method: 'GET',
    path: '/api/v2/keys/registrations',
    access: reader('collection'),
    query: registrationQuery,
    handler: 'get-registrations-all-keys',
    group: 'keys',
  }),
  getRegistrations: op({
    name: 'getRegistrations',
    failure: 'Registrations could not be retrieved',
    method: 'GET',
    path: '/api/v2/keys/{id}/registrations',
    access: reader('key'),
    query: registrationQuery,
    handler: 'get-registrations',
    group: 'keys',
  }),
  createRegistration: op({
    name: 'createRegistration',
    failure: 'Registration could not be created',
    method: 'POST',
    path: '/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
    access: manager('key'),
    body: registrationBody,
    handler: 'create-registration',
    group: 'keys',
  }),
  updateRegistration: op({
    name: 'updateRegistration',
    failure: 'Registration could not be updated',
    method: 'PATCH',
    path: '/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
    access: manager('key'),
    body: registrationBody,
    handler: 'update-registration',
    group: 'keys',
  }),
  replaceRegistration: op({
    name: 'replaceRegistration',
    failure: 'Registration could not be replaced',
    method: 'PUT',
    path: '/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
    access: manager('key'),
    body: registrationBody,
    handler: 'replace-registration',
    group: 'keys',
  }),
  deleteRegistration: op({
    name: 'deleteRegistration',
    failure: 'Registration could not be deleted',
    method: 'DELETE',
    path: '/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
    access: manager('key'),
    handler: 'delete-registration',
    group: 'keys',
  }),

  // Import tokens
  postImportToken: op({
    name: 'postImportToken',
    failure: 'Import Token could not be created',
    method: 'POST',
    path: '/api/v2/import_token',
    access: writer('instance'),
    body: createImportTokenBody,
    handler: 'post-import-token',
    group: 'keys',
  }),
  getImportToken: op({
    name: 'getImportToken',
    failure: 'Import Token could not be retrieved',
    method: 'GET',
    path: '/api/v2/import_token',
    access: writer('instance'),
    handler: 'get-import-token',
    group: 'keys',
  }),

  // Administration (not part of Key Protect)
  adminCreateInstance: op({
    name: 'admin.createInstance',
    method: 'POST',
    path: '/admin/v1/instances',
    access: 'admin',
    body: createInstanceBody,
    handler: 'admin-create-instance',
    group: 'admin',
  }),
  adminCreatePrincipal: op({
    name: 'admin.createPrincipal',
    method: 'POST',
    path: '/admin/v1/principals',
    access: 'admin',
    body: createPrincipalBody,
    handler: 'admin-create-principal',
    group: 'admin',
  }),
  adminDeletePrincipal: op({
    name: 'admin.deletePrincipal',
    method: 'DELETE',
    path: '/admin/v1/principals/{id}',
    access: 'admin',
    handler: 'admin-delete-principal',
    group: 'admin',
  }),
  adminIssueApiKey: op({
    name: 'admin.issueApiKey',
    method: 'POST',
    path: '/admin/v1/principals/{id}/api-key',
    access: 'admin',
    handler: 'admin-issue-api-key',
    group: 'admin',
  }),
  adminRevokeApiKey: op({
    name: 'admin.revokeApiKey',
    method: 'DELETE',
    path: '/admin/v1/principals/{id}/api-key',
    access: 'admin',
    handler: 'admin-revoke-api-key',
    group: 'admin',
  }),
  adminListAccess: op({
    name: 'admin.listAccess',
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/access',
    access: 'admin',
    handler: 'admin-list-access',
    group: 'admin',
  }),
  adminGrantAccess: op({
    name: 'admin.grantAccess',
    method: 'POST',
    path: '/admin/v1/instances/{instanceId}/access',
    access: 'admin',
    body: grantAccessBody,
    handler: 'admin-grant-access',
    group: 'admin',
  }),
  adminRevokeAccess: op({
    name: 'admin.revokeAccess',
    method: 'DELETE',
    path: '/admin/v1/instances/{instanceId}/access/{bindingId}',
    access: 'admin',
    handler: 'admin-revoke-access',
    group: 'admin',
  }),
  adminRotateSigningKey: op({
    name: 'admin.rotateSigningKey',
    method: 'POST',
    path: '/admin/v1/token-signing-keys',
    access: 'admin',
    handler: 'admin-rotate-signing-key',
    group: 'admin',
  }),
  adminListAudit: op({
    name: 'admin.listAudit',
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/audit',
    access: 'admin',
    query: auditQuery,
    handler: 'admin-list-audit',
    group: 'admin',
  }),
  adminVerifyAudit: op({
    name: 'admin.verifyAudit',
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/audit/verify',
    access: 'admin',
    handler: 'admin-verify-audit',
    group: 'admin',
  }),
  adminAuditReconciliation: op({
    name: 'admin.auditReconciliation',
    method: 'GET',
    path: '/admin/v1/audit/reconciliation',
    access: 'admin',
    handler: 'admin-audit-reconciliation',
    group: 'admin',
  }),
  adminGetKeyHistory: op({
    name: 'admin.getKeyHistory',
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/keys/{keyId}/history',
    access: 'admin',
    query: keyHistoryQuery,
    handler: 'admin-get-key-history',
    group: 'admin',
  }),
  adminCreateSubscription: op({
    name: 'admin.createSubscription',
    method: 'POST',
    path: '/admin/v1/instances/{instanceId}/subscriptions',
    access: 'admin',
    body: createSubscriptionBody,
    handler: 'admin-create-subscription',
    group: 'admin',
  }),
  adminDeleteSubscription: op({
    name: 'admin.deleteSubscription',
    method: 'DELETE',
    path: '/admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}',
    access: 'admin',
    handler: 'admin-delete-subscription',
    group: 'admin',
  }),
  adminRotateSubscriptionSecret: op({
    name: 'admin.rotateSubscriptionSecret',
    method: 'POST',
    path: '/admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/secret',
    access: 'admin',
    body: rotateSubscriptionSecretBody,
    handler: 'admin-rotate-subscription-secret',
    group: 'admin',
  }),
  adminListDeadLetters: op({
    name: 'admin.listDeadLetters',
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/dead-letters',
    access: 'admin',
    handler: 'admin-list-dead-letters',
    group: 'admin',
  }),
  adminRedeliverDeadLetter: op({
    name: 'admin.redeliverDeadLetter',
    method: 'POST',
    path: '/admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/dead-letters/{deadLetterId}/redeliver',
    access: 'admin',
    handler: 'admin-redeliver-dead-letter',
    group: 'admin',
  }),
} as const;

/** Every operation, in table order. */
export const allOperations: readonly OperationDefinition[] = Object.values(operations);

/** `POST /api/v2/keys`: how API Gateway names a route in `event.routeKey`. */
export function routeKey(operation: Pick<OperationDefinition, 'method' | 'path'>): string {
  return `${operation.method} ${operation.path}`;
}
