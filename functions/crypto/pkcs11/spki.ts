import { createPublicKey } from 'node:crypto';

/** DER prefix of a SubjectPublicKeyInfo for id-ecPublicKey on P-256 with a 65-byte uncompressed point. */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/**
 * SPKI DER of a P-256 public key from its CKA_EC_POINT. PKCS#11 says the point is a DER
 * OCTET STRING (SoftHSM: 04 41 04 ...); some modules return the bare point, so accept both.
 * node:crypto parses the result, which checks that the point is on the curve.
 */
export function p256SpkiFromEcPoint(ecPoint: Buffer): Uint8Array {
  let point = ecPoint;
  if (point.length === 67 && point[0] === 0x04 && point[1] === 0x41) point = point.subarray(2);
  if (point.length !== 65 || point[0] !== 0x04) throw new Error('CKA_EC_POINT is not an uncompressed P-256 point');
  const der = Buffer.concat([P256_SPKI_PREFIX, point]);
  createPublicKey({ key: der, format: 'der', type: 'spki' });
  return new Uint8Array(der);
}

/** SPKI DER of an RSA public key from its modulus and public exponent (big-endian). */
export function rsaSpki(modulus: Buffer, publicExponent: Buffer): Uint8Array {
  const key = createPublicKey({
    key: { kty: 'RSA', n: modulus.toString('base64url'), e: publicExponent.toString('base64url') },
    format: 'jwk',
  });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}
