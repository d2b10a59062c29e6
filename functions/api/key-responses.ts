import { KEY_COLLECTION_TYPE } from '../../domain/keys/key-protect-view.ts';

/** Key Protect's collection envelope: `{metadata: {collectionType, collectionTotal}, resources}`. */
export function keyCollection(resources: readonly unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { metadata: { collectionType: KEY_COLLECTION_TYPE, collectionTotal: resources.length, ...extra }, resources };
}
