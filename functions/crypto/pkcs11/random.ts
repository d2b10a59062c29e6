import { HsmInvalidInputError } from '../../../application/ports/hsm.ts';
import { toBytes } from './cryptoki.ts';
import type { Pkcs11Context } from './context.ts';
import { mapErrors } from './errors.ts';

/** Upper bound per call; callers want keys and nonces, not bulk randomness. */
export const MAX_RANDOM_LENGTH = 64 * 1024;

/**
 * Bytes from the HSM's generator. C_GenerateRandom has no async form in pkcs11js; it is a
 * short in-memory call in SoftHSM (DRBG), so it runs on the event loop.
 */
export function random(ctx: Pkcs11Context, length: number): Promise<Uint8Array> {
  if (!Number.isInteger(length) || length < 1 || length > MAX_RANDOM_LENGTH) {
    return Promise.reject(new HsmInvalidInputError(`random length must be an integer from 1 to ${MAX_RANDOM_LENGTH}`));
  }
  return mapErrors('random', () =>
    ctx.pool.use((session) => toBytes(ctx.module.C_GenerateRandom(session, Buffer.alloc(length)))),
  );
}
