import type { ExistingKey } from '../../domain/keys/state.ts';
import type { AppServices } from '../services.ts';
import { sealWithLatest } from './envelope.ts';
import { assertUse, checkCanWrap } from '../../domain/keys/use-checks.ts';
import { findKey } from './find-key.ts';

interface WrapInput {
  /** The DEK to wrap; absent = generate a 256-bit DEK in the HSM and return it too. */
  readonly plaintext?: Buffer | undefined;
  readonly aad: readonly string[];
}

interface WrapResult {
  readonly key: ExistingKey;
  readonly ciphertext: string;
  /** The generated DEK, when the caller gave none. */
  readonly plaintext?: Buffer | undefined;
  readonly keyVersionId: string;
}

const GENERATED_DEK_BYTES = 32;

/** Wraps a DEK with the key's latest version. Appends no event (docs/decisions/0001-event-sourcing.md). */
export async function wrapKey(
  services: AppServices,
  instanceId: string,
  id: string,
  input: WrapInput,
): Promise<WrapResult> {
  const key = assertUse(checkCanWrap(await findKey(services, instanceId, id), services.now().toISOString()));
  const generated =
    input.plaintext === undefined ? Buffer.from(await services.hsm.random(GENERATED_DEK_BYTES)) : undefined;
  const sealed = await sealWithLatest(services, key, input.plaintext ?? generated ?? Buffer.alloc(0), input.aad);
  return { key, ...sealed, plaintext: generated };
}
