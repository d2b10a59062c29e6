/**
 * Every HTTP route of the service, in one table: the local server dispatches with it and the CDK
 * stack builds the API Gateway routes and Lambda functions from it. `handler` is the module under
 * functions/api/ (one file per operation) exporting `handler`; `group` names the Lambda function
 * that serves the route on AWS; `operation` is the audit name (the Key Protect SDK's method name).
 */
export interface RouteDefinition {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway path syntax: `{name}` parameters. */
  readonly path: string;
  readonly operation: string;
  readonly handler: string;
  readonly group: RouteGroup;
  /** Public routes carry no bearer token (the token exchange, health). */
  readonly public?: boolean;
}

export type RouteGroup = 'identity' | 'keys' | 'key-actions' | 'admin' | 'health';

export const routes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/health', operation: 'health', handler: 'health', group: 'health', public: true },
  {
    method: 'POST',
    path: '/identity/token',
    operation: 'identity.token',
    handler: 'identity-token',
    group: 'identity',
    public: true,
  },
  { method: 'POST', path: '/api/v2/keys', operation: 'createKey', handler: 'create-key', group: 'keys' },
  { method: 'GET', path: '/api/v2/keys', operation: 'getKeys', handler: 'list-keys', group: 'keys' },
  { method: 'GET', path: '/api/v2/keys/{id}', operation: 'getKey', handler: 'get-key', group: 'keys' },
  {
    method: 'GET',
    path: '/api/v2/keys/{id}/metadata',
    operation: 'getKeyMetadata',
    handler: 'get-key-metadata',
    group: 'keys',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/wrap',
    operation: 'wrapKey',
    handler: 'wrap-key',
    group: 'key-actions',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/unwrap',
    operation: 'unwrapKey',
    handler: 'unwrap-key',
    group: 'key-actions',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/rewrap',
    operation: 'rewrapKey',
    handler: 'rewrap-key',
    group: 'key-actions',
  },
  // Key lifecycle (issue 3, part A)
  {
    method: 'HEAD',
    path: '/api/v2/keys',
    operation: 'getKeyCollectionMetadata',
    handler: 'get-key-collection-metadata',
    group: 'keys',
  },
  {
    method: 'GET',
    path: '/api/v2/keys/{id}/versions',
    operation: 'getKeyVersions',
    handler: 'get-key-versions',
    group: 'keys',
  },
  { method: 'DELETE', path: '/api/v2/keys/{id}', operation: 'deleteKey', handler: 'delete-key', group: 'keys' },
  { method: 'POST', path: '/api/v2/keys/{id}/restore', operation: 'restoreKey', handler: 'restore-key', group: 'keys' },
  { method: 'DELETE', path: '/api/v2/keys/{id}/purge', operation: 'purgeKey', handler: 'purge-key', group: 'keys' },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/rotate',
    operation: 'rotateKey',
    handler: 'rotate-key',
    group: 'key-actions',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/disable',
    operation: 'disableKey',
    handler: 'disable-key',
    group: 'key-actions',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/enable',
    operation: 'enableKey',
    handler: 'enable-key',
    group: 'key-actions',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/setKeyForDeletion',
    operation: 'setKeyForDeletion',
    handler: 'set-key-for-deletion',
    group: 'key-actions',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/unsetKeyForDeletion',
    operation: 'unsetKeyForDeletion',
    handler: 'unset-key-for-deletion',
    group: 'key-actions',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/actions/sync',
    operation: 'syncAssociatedResources',
    handler: 'sync-associated-resources',
    group: 'key-actions',
  },
  // Key rings, aliases, policies, registrations, import tokens (issue 3, part B)
  { method: 'GET', path: '/api/v2/key_rings', operation: 'listKeyRings', handler: 'list-key-rings', group: 'keys' },
  {
    method: 'POST',
    path: '/api/v2/key_rings/{keyRingId}',
    operation: 'createKeyRing',
    handler: 'create-key-ring',
    group: 'keys',
  },
  {
    method: 'DELETE',
    path: '/api/v2/key_rings/{keyRingId}',
    operation: 'deleteKeyRing',
    handler: 'delete-key-ring',
    group: 'keys',
  },
  { method: 'PATCH', path: '/api/v2/keys/{id}', operation: 'patchKey', handler: 'patch-key', group: 'keys' },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/aliases/{alias}',
    operation: 'createKeyAlias',
    handler: 'create-key-alias',
    group: 'keys',
  },
  {
    method: 'DELETE',
    path: '/api/v2/keys/{id}/aliases/{alias}',
    operation: 'deleteKeyAlias',
    handler: 'delete-key-alias',
    group: 'keys',
  },
  { method: 'GET', path: '/api/v2/keys/{id}/policies', operation: 'getPolicy', handler: 'get-policy', group: 'keys' },
  { method: 'PUT', path: '/api/v2/keys/{id}/policies', operation: 'putPolicy', handler: 'put-policy', group: 'keys' },
  {
    method: 'GET',
    path: '/api/v2/instance/policies',
    operation: 'getInstancePolicy',
    handler: 'get-instance-policy',
    group: 'keys',
  },
  {
    method: 'PUT',
    path: '/api/v2/instance/policies',
    operation: 'putInstancePolicy',
    handler: 'put-instance-policy',
    group: 'keys',
  },
  {
    method: 'GET',
    path: '/api/v2/instance/allowed_ip_port',
    operation: 'getAllowedIpPort',
    handler: 'get-allowed-ip-port',
    group: 'keys',
  },
  {
    method: 'GET',
    path: '/api/v2/keys/registrations',
    operation: 'getRegistrationsAllKeys',
    handler: 'get-registrations-all-keys',
    group: 'keys',
  },
  {
    method: 'GET',
    path: '/api/v2/keys/{id}/registrations',
    operation: 'getRegistrations',
    handler: 'get-registrations',
    group: 'keys',
  },
  {
    method: 'POST',
    path: '/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
    operation: 'createRegistration',
    handler: 'create-registration',
    group: 'keys',
  },
  {
    method: 'PATCH',
    path: '/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
    operation: 'updateRegistration',
    handler: 'update-registration',
    group: 'keys',
  },
  {
    method: 'PUT',
    path: '/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
    operation: 'replaceRegistration',
    handler: 'replace-registration',
    group: 'keys',
  },
  {
    method: 'DELETE',
    path: '/api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}',
    operation: 'deleteRegistration',
    handler: 'delete-registration',
    group: 'keys',
  },
  {
    method: 'POST',
    path: '/api/v2/import_token',
    operation: 'postImportToken',
    handler: 'post-import-token',
    group: 'keys',
  },
  {
    method: 'GET',
    path: '/api/v2/import_token',
    operation: 'getImportToken',
    handler: 'get-import-token',
    group: 'keys',
  },
  // Identity and access administration (issue 4)
  {
    method: 'POST',
    path: '/admin/v1/instances',
    operation: 'admin.createInstance',
    handler: 'admin-create-instance',
    group: 'admin',
  },
  {
    method: 'POST',
    path: '/admin/v1/principals',
    operation: 'admin.createPrincipal',
    handler: 'admin-create-principal',
    group: 'admin',
  },
  {
    method: 'DELETE',
    path: '/admin/v1/principals/{id}',
    operation: 'admin.deletePrincipal',
    handler: 'admin-delete-principal',
    group: 'admin',
  },
  {
    method: 'POST',
    path: '/admin/v1/principals/{id}/api-key',
    operation: 'admin.issueApiKey',
    handler: 'admin-issue-api-key',
    group: 'admin',
  },
  {
    method: 'DELETE',
    path: '/admin/v1/principals/{id}/api-key',
    operation: 'admin.revokeApiKey',
    handler: 'admin-revoke-api-key',
    group: 'admin',
  },
  {
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/access',
    operation: 'admin.listAccess',
    handler: 'admin-list-access',
    group: 'admin',
  },
  {
    method: 'POST',
    path: '/admin/v1/instances/{instanceId}/access',
    operation: 'admin.grantAccess',
    handler: 'admin-grant-access',
    group: 'admin',
  },
  {
    method: 'DELETE',
    path: '/admin/v1/instances/{instanceId}/access/{bindingId}',
    operation: 'admin.revokeAccess',
    handler: 'admin-revoke-access',
    group: 'admin',
  },
  {
    method: 'POST',
    path: '/admin/v1/token-signing-keys',
    operation: 'admin.rotateSigningKey',
    handler: 'admin-rotate-signing-key',
    group: 'admin',
  },
  // Audit, key history and webhook subscriptions (issue 5)
  {
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/audit',
    operation: 'admin.listAudit',
    handler: 'admin-list-audit',
    group: 'admin',
  },
  {
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/audit/verify',
    operation: 'admin.verifyAudit',
    handler: 'admin-verify-audit',
    group: 'admin',
  },
  {
    method: 'GET',
    path: '/admin/v1/instances/{instanceId}/keys/{keyId}/history',
    operation: 'admin.getKeyHistory',
    handler: 'admin-get-key-history',
    group: 'admin',
  },
  {
    method: 'POST',
    path: '/admin/v1/instances/{instanceId}/subscriptions',
    operation: 'admin.createSubscription',
    handler: 'admin-create-subscription',
    group: 'admin',
  },
  {
    method: 'DELETE',
    path: '/admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}',
    operation: 'admin.deleteSubscription',
    handler: 'admin-delete-subscription',
    group: 'admin',
  },
];
