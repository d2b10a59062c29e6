import { currentVersion, type ExistingKey } from '../../domain/keys/state.ts';
import type { AppServices } from '../services.ts';
import { openWithKey, sealWithLatest } from './envelope.ts';
import { assertUse, checkCanUnwrap } from '../../domain/keys/use-checks.ts';
import { findKey } from './find-key.ts';

export interface UnwrapInput {
  readonly ciphertext: string;
  readonly aad: readonly string[];
}

interface UnwrapResult {
  readonly key: ExistingKey;
  readonly plaintext: Buffer;
  readonly keyVersionId: string;
  /** Set when the ciphertext was made with an older version: the same DEK wrapped with the latest. */
  readonly rewrapped?: { readonly ciphertext: string; readonly keyVersionId: string } | undefined;
}

/** Returns the DEK inside a ciphertext of this key; also rewraps it when an older version made it. Appends no event. */
export async function unwrapKey(
  services: AppServices,
  instanceId: string,
  id: string,
  input: UnwrapInput,
): Promise<UnwrapResult> {
  const key = assertUse(checkCanUnwrap(await findKey(services, instanceId, id), services.now().toISOString()));
  const opened = await openWithKey(services, key, input.ciphertext, input.aad);
  const rewrapped =
    opened.keyVersionId === currentVersion(key).id
      ? undefined
      : await sealWithLatest(services, key, opened.plaintext, input.aad);
  return { key, ...opened, rewrapped };
}
