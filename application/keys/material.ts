import type { WrappedMaterial } from '../../domain/keys/events.ts';
import type { WrappedKey } from '../ports/hsm.ts';

/**
 * Domain material (base64, storable) <-> HSM port material (bytes). A key's material objects live
 * as long as its cached state, so each is decoded once, not per wrap (the HSM adapter keys its cache
 * of unwrapped keys by the same object).
 */
export function toWrappedKey(material: WrappedMaterial): WrappedKey {
  let key = decoded.get(material);
  if (key === undefined) {
    key = { masterKeyId: material.masterKeyId, wrapped: Buffer.from(material.wrapped, 'base64') };
    decoded.set(material, key);
  }
  return key;
}
const decoded = new WeakMap<WrappedMaterial, WrappedKey>();

export function toWrappedMaterial(key: WrappedKey): WrappedMaterial {
  return { masterKeyId: key.masterKeyId, wrapped: Buffer.from(key.wrapped).toString('base64') };
}
