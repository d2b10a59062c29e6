import { ApplicationError } from '../errors.ts';
import { currentVersion, type ExistingKey } from '../../domain/keys/state.ts';
import { HsmDecryptError } from '../ports/hsm.ts';
import type { AppServices } from '../services.ts';
import { ciphertextHeader, encodeCiphertext, gcmAad, parseCiphertext } from './ciphertext.ts';
import { findKeyVersion } from './key-versions.ts';
import { toWrappedKey } from './material.ts';

/** Envelope encryption with a root key: seal with the latest version, open with whichever version sealed. */

function unprocessable(): ApplicationError {
  return new ApplicationError('UNPROCESSABLE_CIPHERTEXT_ERR', 'The provided ciphertext is invalid or corrupted');
}

/** Ciphertext headers by version object: a hot key's state is cached, so its header is built once, not per wrap. */
const headers = new WeakMap<object, Buffer>();

/** Wraps `plaintext` with the key's latest version (AES-256-GCM in the HSM). */
export async function sealWithLatest(
  services: AppServices,
  key: ExistingKey,
  plaintext: Uint8Array,
  aad: readonly string[],
): Promise<{ ciphertext: string; keyVersionId: string }> {
  const latest = currentVersion(key);
  let header = headers.get(latest);
  if (header === undefined) headers.set(latest, (header = ciphertextHeader(key.keyId, latest.id)));
  const sealed = await services.hsm.encrypt(toWrappedKey(latest.material), plaintext, gcmAad(header, aad));
  return { ciphertext: encodeCiphertext(header, sealed.iv, sealed.ciphertext), keyVersionId: latest.id };
}

/** Opens a ciphertext made with any version of this key; anything else is 422 UNPROCESSABLE_CIPHERTEXT_ERR. */
export async function openWithKey(
  services: AppServices,
  key: ExistingKey,
  ciphertext: string,
  aad: readonly string[],
): Promise<{ plaintext: Buffer; keyVersionId: string }> {
  const parsed = parseCiphertext(ciphertext);
  if (!parsed || parsed.keyId !== key.keyId) throw unprocessable();
  const version = await findKeyVersion(services.store, key, parsed.versionId);
  if (!version) throw unprocessable();
  try {
    const plaintext = await services.hsm.decrypt(
      toWrappedKey(version.material),
      { iv: parsed.iv, ciphertext: parsed.sealed },
      gcmAad(parsed.header, aad),
    );
    return { plaintext: Buffer.from(plaintext), keyVersionId: version.id };
  } catch (error) {
    if (error instanceof HsmDecryptError) throw unprocessable();
    throw error;
  }
}
