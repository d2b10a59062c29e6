import { HsmError, HsmUnavailableError } from '../../../application/ports/hsm.ts';
import { ck } from './cryptoki.ts';

/** The CKR_* name of a pkcs11js failure, or undefined for anything else. */
export function ckrOf(error: unknown): string | undefined {
  if (error instanceof ck.Pkcs11Error && /^CKR_[A-Z0-9_]+$/.test(error.message)) return error.message;
  return undefined;
}

/**
 * A plain Error describing a pkcs11js failure, used as `cause`: the pkcs11js error object
 * itself never leaves the adapter, and a CKR name or native message carries no key material.
 */
export function describeFailure(operation: string, error: unknown): Error {
  const ckr = ckrOf(error);
  if (ckr !== undefined) return new Error(`${operation}: ${ckr}`);
  if (error instanceof Error) return new Error(`${operation}: ${error.name}: ${error.message}`);
  return new Error(`${operation}: non-error thrown`);
}

/** Maps a CKR name to a typed port error; unlisted codes become {@link HsmUnavailableError}. */
export type CkrMapping = Readonly<Record<string, (cause: Error) => HsmError>>;

/**
 * Turns anything thrown during `operation` into a port error. Port errors pass through
 * untouched; pkcs11js errors are mapped by CKR name, or reported as unavailability.
 */
export function toHsmError(operation: string, error: unknown, mapping: CkrMapping = {}): HsmError {
  if (error instanceof HsmError) return error;
  const cause = describeFailure(operation, error);
  const ckr = ckrOf(error);
  const mapped = ckr === undefined ? undefined : mapping[ckr];
  if (mapped !== undefined) return mapped(cause);
  return new HsmUnavailableError(`${operation} failed`, { cause });
}

/** Runs `body`, rethrowing whatever it throws as a port error (see {@link toHsmError}). */
export async function mapErrors<T>(operation: string, body: () => Promise<T>, mapping: CkrMapping = {}): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toHsmError(operation, error, mapping);
  }
}
