import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API keys are stored only as SHA-256 hashes; a key is 256 random bits, so a fast hash is enough. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A new API key: 32 random bytes, base64url (43 characters, like IBM Cloud API keys in length). */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}
