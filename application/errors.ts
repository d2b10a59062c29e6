/**
 * Errors the application raises for the edge to map (functions/shared/errors.ts). Domain refusals
 * are DomainError (domain/errors.ts); these cover what the domain cannot know: authentication,
 * missing resources as seen by a caller, malformed ciphertexts.
 */
import type { ReasonCode } from '../domain/errors.ts';

type ApplicationReason =
  | ReasonCode
  | 'UNAUTHORIZED_ERR'
  | 'INSTANCE_NOT_FOUND_ERR'
  | 'BAD_REQUEST_ERR'
  | 'TOO_MANY_REQUESTS_ERR'
  /** IBM IAM's code for an API key it cannot use (rendered as an IAM error body). */
  | 'BXNIM0415E';

export class ApplicationError extends Error {
  constructor(
    readonly code: ApplicationReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}

/** The same answer for a missing key and for a key of another instance: no existence oracle. */
export function keyNotFound(): ApplicationError {
  return new ApplicationError('KEY_NOT_FOUND_ERR', 'Key does not exist', 404);
}

export function unauthorized(): ApplicationError {
  return new ApplicationError('UNAUTHORIZED_ERR', 'The user does not have access to the specified resource', 401);
}
