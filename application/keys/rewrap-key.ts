import type { ExistingKey } from '../../domain/keys/state.ts';
import type { AppServices } from '../services.ts';
import { openWithKey, sealWithLatest } from './envelope.ts';
import { assertUse, checkCanRewrap } from '../../domain/keys/use-checks.ts';
import { findKey } from './find-key.ts';
import type { UnwrapInput } from './unwrap-key.ts';

interface RewrapResult {
  readonly key: ExistingKey;
  readonly ciphertext: string;
  readonly keyVersionId: string;
  readonly rewrappedKeyVersionId: string;
}

/** Moves a ciphertext to the key's latest version without returning the DEK. Appends no event. */
export async function rewrapKey(
  services: AppServices,
  instanceId: string,
  id: string,
  input: UnwrapInput,
): Promise<RewrapResult> {
  const key = assertUse(checkCanRewrap(await findKey(services, instanceId, id), services.now().toISOString()));
  const opened = await openWithKey(services, key, input.ciphertext, input.aad);
  const sealed = await sealWithLatest(services, key, opened.plaintext, input.aad);
  opened.plaintext.fill(0);
  return {
    key,
    ciphertext: sealed.ciphertext,
    keyVersionId: opened.keyVersionId,
    rewrappedKeyVersionId: sealed.keyVersionId,
  };
}
