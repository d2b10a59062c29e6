import {
  documentDependsOnTime,
  keyDocumentAt,
  keyMetadata,
  KEY_COLLECTION_TYPE,
} from '../../../domain/keys/key-protect-view.ts';
import type { ExistingKey } from '../../../domain/keys/state.ts';
import { json, jsonText, type ApiRequest, type ApiResult } from '../../shared/api-handler.ts';
import { collection, collectionJson } from './organize.ts';

/** Key Protect's collection envelope of keys: `{metadata: {collectionType, collectionTotal}, resources}`. */
export function keyCollection(
  resources: readonly unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return collection(KEY_COLLECTION_TYPE, resources, extra);
}

/**
 * 200 with the collection of stored key documents (key-list rows' JSON texts), each as read now: the
 * texts go into the body as they are, parsed only where the time they are read at changes them.
 */
export function storedKeyCollection(
  req: ApiRequest<unknown, unknown>,
  rows: readonly { readonly state: number; readonly documentJson: string }[],
  extra: Record<string, unknown>,
): ApiResult {
  const documents = rows.map((r) =>
    documentDependsOnTime(r.state, r.documentJson)
      ? JSON.stringify(documentNow(req, JSON.parse(r.documentJson) as Record<string, unknown>))
      : r.documentJson,
  );
  return jsonText(200, collectionJson(KEY_COLLECTION_TYPE, documents, extra));
}

/** A key's metadata as read now (domain/keys/key-protect-view.ts keyDocumentAt: restore and purge windows). */
export function keyDocument(req: ApiRequest<unknown, unknown>, key: ExistingKey): Record<string, unknown> {
  return documentNow(req, keyMetadata(key));
}

/** A stored key document (a key-list row's) as read now. */
export function documentNow(
  req: ApiRequest<unknown, unknown>,
  document: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const { services } = req.runtime;
  return keyDocumentAt(document, services.now().toISOString(), services.settings);
}

/** The key's metadata in Key Protect's collection envelope. */
export function keyResult(req: ApiRequest<unknown, unknown>, status: number, key: ExistingKey): ApiResult {
  return json(status, keyCollection([keyDocument(req, key)]));
}

/** True when the caller sent `Prefer: return=representation` (Key Protect then returns the key). */
export function prefersRepresentation(req: ApiRequest<unknown, unknown>): boolean {
  return /return=representation/i.test(req.header('prefer') ?? '');
}
