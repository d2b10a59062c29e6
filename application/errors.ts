/**
 * The application layer's error: a refusal the domain cannot decide (authentication, access, what a
 * caller may see of missing resources, malformed ciphertexts, instance and registry lookups). Its code
 * is a reason code of domain/errors.ts, whose table gives the HTTP status; the edge maps it once
 * (functions/shared/errors.ts).
 */
import type { ReasonCode } from '../domain/errors.ts';

export class ApplicationError extends Error {
  constructor(
    readonly code: ReasonCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}

/** The same answer for a missing key and for a key of another instance: no existence oracle. */
export function keyNotFound(): ApplicationError {
  return new ApplicationError('KEY_NOT_FOUND_ERR', 'Key does not exist');
}

export function unauthorized(): ApplicationError {
  return new ApplicationError('UNAUTHORIZED_ERR', 'The user does not have access to the specified resource');
}

/** An administration request naming an instance that does not exist. */
export function instanceNotFound(): ApplicationError {
  return new ApplicationError('INSTANCE_NOT_FOUND_ERR', 'Instance does not exist');
}
