import type { WrappedMaterial } from '../../domain/keys/events.ts';
import type { WrappedKey } from '../ports/hsm.ts';

/** Domain material (base64, storable) <-> HSM port material (bytes). */
export function toWrappedKey(material: WrappedMaterial): WrappedKey {
  return { masterKeyId: material.masterKeyId, wrapped: Buffer.from(material.wrapped, 'base64') };
}

export function toWrappedMaterial(key: WrappedKey): WrappedMaterial {
  return { masterKeyId: key.masterKeyId, wrapped: Buffer.from(key.wrapped).toString('base64') };
}
