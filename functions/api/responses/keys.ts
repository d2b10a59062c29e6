import { keyMetadata, KEY_COLLECTION_TYPE } from '../../../domain/keys/key-protect-view.ts';
import type { ExistingKey } from '../../../domain/keys/state.ts';
import { json, type ApiRequest, type ApiResult } from '../../shared/api-handler.ts';
import { collection } from './organize.ts';

/** Key Protect's collection envelope of keys: `{metadata: {collectionType, collectionTotal}, resources}`. */
export function keyCollection(
  resources: readonly unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return collection(KEY_COLLECTION_TYPE, resources, extra);
}

/** The key's metadata in Key Protect's collection envelope. */
export function keyResult(status: number, key: ExistingKey): ApiResult {
  return json(status, keyCollection([keyMetadata(key)]));
}

/** True when the caller sent `Prefer: return=representation` (Key Protect then returns the key). */
export function prefersRepresentation(req: ApiRequest<unknown, unknown>): boolean {
  return /return=representation/i.test(req.header('prefer') ?? '');
}
