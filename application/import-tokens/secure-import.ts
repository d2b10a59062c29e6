import { timingSafeEqual } from 'node:crypto';
import { ApplicationError } from '../errors.ts';
import { isExpired, type ImportTokenState } from '../../domain/import-tokens/import-token.ts';
import { HsmDecryptError, HsmInvalidInputError, type OaepHash, type WrappedKey } from '../ports/hsm.ts';
import { loadState, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { importTokenAggregate, importTokenStreamId, runImportTokenCommand } from './import-token-aggregate.ts';

/** Key Protect's names of the RSA-OAEP variants (RSAES_OAEP_SHA_1 is keyledger's extra, as in IBM HPCS). */
type EncryptionAlgorithm = 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1';

export interface SecureImportInput {
  /** RSA-OAEP ciphertext of the AES key material under the token's public key. */
  readonly payload: Buffer;
  readonly encryptionAlgorithm: EncryptionAlgorithm;
  /** AES-256-GCM ciphertext || tag of the token's nonce under the imported material. */
  readonly encryptedNonce: Buffer;
  readonly iv: Buffer;
}

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const HASH: Record<EncryptionAlgorithm, OaepHash> = { RSAES_OAEP_SHA_256: 'sha256', RSAES_OAEP_SHA_1: 'sha1' };

function incorrectNonce(): ApplicationError {
  return new ApplicationError(
    'INCORRECT_NONCE_ERR',
    'The encrypted nonce given does not match existing record: Please ensure the correct nonce was given in the request',
  );
}

/**
 * Brings RSA-OAEP encrypted root key material under the master key, then proves the importer held
 * both the token and the material: the HSM decrypts `encryptedNonce` (AES-256-GCM, `iv`) with the
 * newly wrapped material, and the result must be the token's nonce. The decrypted nonce is no
 * secret (GET /import_token returns it); the material itself stays in the HSM (with the SoftHSM
 * OAEP-SHA-256 fallback, briefly in process memory: functions/crypto/README.md).
 * Returns the wrapped material; the caller creates the key and then calls {@link markImportTokenUsed}.
 */
export async function openSecureImport(
  services: AppServices,
  scope: RequestScope,
  input: SecureImportInput,
): Promise<WrappedKey> {
  const { state } = await loadState(services.store, importTokenAggregate, importTokenStreamId(scope.instanceId));
  const token = usableToken(state, services.now().toISOString());
  if (input.iv.length !== GCM_IV_BYTES) {
    throw new ApplicationError(
      'INCORRECT_NONCE_IV_ERR',
      `The provided encrypted nonce was not encrypted with a ${GCM_IV_BYTES}-byte IV`,
    );
  }
  if (input.encryptedNonce.length <= GCM_TAG_BYTES) throw incorrectNonce();
  let wrapped: WrappedKey;
  try {
    wrapped = await services.hsm.importWithRsaOaep(token.keyPairId, input.payload, HASH[input.encryptionAlgorithm]);
  } catch (error) {
    if (error instanceof HsmDecryptError || error instanceof HsmInvalidInputError) {
      throw new ApplicationError(
        'BAD_BODY_ERR',
        'The payload could not be decrypted with the import token: encrypt the key material with its public key and the given encryptionAlgorithm',
      );
    }
    throw error;
  }
  let nonce: Uint8Array;
  try {
    nonce = await services.hsm.decrypt(wrapped, { iv: input.iv, ciphertext: input.encryptedNonce }, new Uint8Array(0));
  } catch (error) {
    if (error instanceof HsmDecryptError) throw incorrectNonce();
    throw error;
  }
  const expected = Buffer.from(token.nonce, 'base64');
  // Key Protect's tooling encrypts the nonce's bytes; some clients encrypt its base64 text: both prove possession.
  const asText = Buffer.from(token.nonce, 'utf8');
  const got = Buffer.from(nonce);
  const matches = (want: Buffer) => want.length === got.length && timingSafeEqual(want, got);
  if (!matches(expected) && !matches(asText)) throw incorrectNonce();
  return wrapped;
}

function usableToken(state: ImportTokenState, now: string) {
  if (state.status === 'Absent')
    throw new ApplicationError(
      'IMPORT_TOKEN_NOT_FOUND_ERR',
      'No import token exists for this instance: create one with POST /api/v2/import_token',
    );
  if (state.status === 'Retired' && state.reason === 'usedUp')
    throw new ApplicationError('IMPORT_TOKEN_RETRIEVALS_ERR', 'The import token is used up: create a new one');
  if (state.status === 'Retired' || isExpired(state, now))
    throw new ApplicationError('IMPORT_TOKEN_EXPIRED_ERR', 'The import token has expired');
  return state;
}

/** Records that the token imported a key; a token with no retrievals left is then retired and its pair destroyed. */
export async function markImportTokenUsed(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
): Promise<void> {
  await runImportTokenCommand(services, scope, principalId, (now) => ({ type: 'UseImportToken', now, principalId }));
}
