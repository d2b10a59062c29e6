/**
 * Framing of standard key payloads before they are wrapped: the payload, one 0x80 byte, then
 * zero bytes up to a multiple of 8 (ISO/IEC 7816-4 padding).
 *
 * Why: SoftHSM 2.6.1 zero-pads a key to a multiple of 8 *before* RFC 5649 wrapping (measured:
 * its CKM_AES_KEY_WRAP_PAD output equals the standard wrap of the zero-padded value), so the
 * length RFC 5649 would record is lost and a payload ending in zero bytes could not be told
 * from a shorter one. A framed value is already a multiple of 8, so every module wraps it the
 * same, standard way, and the frame recovers the exact length whatever padding a module adds.
 * Root keys (16/24/32 bytes) need no frame.
 */
export function frameSecret(payload: Uint8Array): Buffer {
  const framed = Buffer.alloc((Math.floor(payload.length / 8) + 1) * 8);
  framed.set(payload);
  framed[payload.length] = 0x80;
  return framed;
}

/** The payload inside `framed`, or undefined if it is not a valid frame. Returns a view into `framed`. */
export function unframeSecret(framed: Uint8Array): Uint8Array | undefined {
  let end = framed.length - 1;
  // A module may have added its own zero padding after ours; skip every trailing zero.
  while (end >= 0 && framed[end] === 0) end -= 1;
  if (end < 0 || framed[end] !== 0x80) return undefined;
  return framed.subarray(0, end);
}
