/**
 * keyledger's wrapped-DEK format. Key Protect treats `ciphertext` as opaque base64; ours binds the
 * key id and version into a header that is also authenticated as part of the GCM AAD, so a
 * ciphertext cannot be replayed against another key or version.
 *
 *   magic "KL" | format 0x01 | key id (16 bytes) | version id (16 bytes) | iv (12) | ciphertext+tag
 */
const MAGIC = Buffer.from('KL', 'ascii');
const FORMAT = 1;
const HEADER_LENGTH = 2 + 1 + 16 + 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

interface ParsedCiphertext {
  readonly keyId: string;
  readonly versionId: string;
  readonly header: Buffer;
  readonly iv: Buffer;
  readonly sealed: Buffer;
}

function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error('not a UUID');
  return Buffer.from(hex, 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function ciphertextHeader(keyId: string, versionId: string): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([FORMAT]), uuidToBytes(keyId), uuidToBytes(versionId)]);
}

/** The AAD given to the HSM: our header, then each caller AAD string length-prefixed (no ambiguity between ["ab"] and ["a","b"]). */
export function gcmAad(header: Buffer, aad: readonly string[]): Buffer {
  const parts: Buffer[] = [header];
  for (const item of aad) {
    const bytes = Buffer.from(item, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    parts.push(len, bytes);
  }
  return Buffer.concat(parts);
}

export function encodeCiphertext(header: Buffer, iv: Uint8Array, sealed: Uint8Array): string {
  return Buffer.concat([header, iv, sealed]).toString('base64');
}

/** Parses a caller's ciphertext; null when it is not one of ours (the caller gets 422). */
export function parseCiphertext(text: string): ParsedCiphertext | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const raw = Buffer.from(text, 'base64');
  if (raw.length < HEADER_LENGTH + IV_LENGTH + TAG_LENGTH + 1) return null;
  if (!raw.subarray(0, 2).equals(MAGIC) || raw[2] !== FORMAT) return null;
  return {
    keyId: bytesToUuid(raw.subarray(3, 19)),
    versionId: bytesToUuid(raw.subarray(19, 35)),
    header: raw.subarray(0, HEADER_LENGTH),
    iv: raw.subarray(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH),
    sealed: raw.subarray(HEADER_LENGTH + IV_LENGTH),
  };
}
