/**
 * The one place that names pkcs11js. Everything else in this folder imports `ck` (the
 * module's functions and constants) and the handle types from here, so the vendor surface
 * stays in one file and never leaves `pkcs11/`.
 */
import pkcs11js from 'pkcs11js';
import type { AesGCM, Mechanism, PKCS11, RsaOAEP, Template } from 'pkcs11js';

export const ck = pkcs11js;
export type { AesGCM, Mechanism, PKCS11 as Cryptoki, RsaOAEP, Template };
/** A PKCS#11 handle (slot, session or object) as pkcs11js encodes it. */
export type Handle = Buffer;

/** CKZ_DATA_SPECIFIED (PKCS#11 2.40 §2.1.8); pkcs11js does not export it. */
export const CKZ_DATA_SPECIFIED = 1;

/** A zero-copy Buffer view of port input, which pkcs11js requires. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A copy as a plain Uint8Array: port outputs never alias pkcs11js buffers. */
export function toBytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer);
}
