import { KEY_COLLECTION_TYPE } from '../../domain/keys/key-protect-view.ts';
import { collection } from './organize-responses.ts';

/** Key Protect's collection envelope of keys: `{metadata: {collectionType, collectionTotal}, resources}`. */
export function keyCollection(
  resources: readonly unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return collection(KEY_COLLECTION_TYPE, resources, extra);
}
