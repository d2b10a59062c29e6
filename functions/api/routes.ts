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
  { method: 'POST', path: '/identity/token', operation: 'identity.token', handler: 'identity-token', group: 'identity', public: true },
  { method: 'POST', path: '/api/v2/keys', operation: 'createKey', handler: 'create-key', group: 'keys' },
  { method: 'GET', path: '/api/v2/keys', operation: 'getKeys', handler: 'list-keys', group: 'keys' },
  { method: 'GET', path: '/api/v2/keys/{id}', operation: 'getKey', handler: 'get-key', group: 'keys' },
  { method: 'GET', path: '/api/v2/keys/{id}/metadata', operation: 'getKeyMetadata', handler: 'get-key-metadata', group: 'keys' },
  { method: 'POST', path: '/api/v2/keys/{id}/actions/wrap', operation: 'wrapKey', handler: 'wrap-key', group: 'key-actions' },
  { method: 'POST', path: '/api/v2/keys/{id}/actions/unwrap', operation: 'unwrapKey', handler: 'unwrap-key', group: 'key-actions' },
  { method: 'POST', path: '/api/v2/keys/{id}/actions/rewrap', operation: 'rewrapKey', handler: 'rewrap-key', group: 'key-actions' },
];
