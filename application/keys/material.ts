import type { WrappedMaterial } from '../../domain/keys/events.ts';
import type { SecureImportInput } from '../import-tokens/secure-import.ts';
import type { WrappedKey } from '../ports/hsm.ts';

/**
 * Key material a caller supplies for a new key or key version: `payload` in the clear, or `secureImport`,
 * encrypted under the instance's import token; neither when the service generates it.
 */
export interface SuppliedMaterial {
  readonly payload?: Buffer | undefined;
  readonly secureImport?: SecureImportInput | undefined;
}

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
