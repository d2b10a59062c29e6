import type { RequestScope } from '../../application/command-handler.ts';
import { keyMetadata } from '../../domain/keys/key-protect-view.ts';
import type { ExistingKey } from '../../domain/keys/state.ts';
import { json, type ApiRequest, type ApiResult } from '../shared/api-handler.ts';
import { keyCollection } from './key-responses.ts';

/** What the lifecycle handlers share: the command scope of a request and Key Protect's response shapes. */

export function requestScope(req: ApiRequest<unknown>): RequestScope {
  return { instanceId: req.instanceId, requestId: req.requestId, correlationId: req.correlationId };
}

/** True when the caller sent `Prefer: return=representation` (Key Protect then returns the key). */
export function prefersRepresentation(req: ApiRequest<unknown>): boolean {
  return /return=representation/i.test(req.header('prefer') ?? '');
}

/** The key's metadata in Key Protect's collection envelope. */
export function keyResult(status: number, key: ExistingKey): ApiResult {
  return json(status, keyCollection([keyMetadata(key)]));
}

/** 204 No Content: the answer of Key Protect's key actions. */
export function noContent(): ApiResult {
  return { statusCode: 204 };
}
