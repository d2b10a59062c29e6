import { ApplicationError } from '../errors.ts';

/**
 * A refusal by access control in an existing instance (missing role, refused source address). It
 * answers exactly as {@link unauthorized} does; `instanceId` is only for the audit record.
 */
export class AccessDeniedError extends ApplicationError {
  constructor(readonly instanceId: string) {
    super('UNAUTHORIZED_ERR', 'The user does not have access to the specified resource');
    this.name = 'AccessDeniedError';
  }
}

/** Answered with 429 and `Retry-After` when an instance's request rate is above its limit. */
export class RateLimitedError extends ApplicationError {
  constructor(
    readonly instanceId: string,
    readonly retryAfterS: number,
  ) {
    super('TOO_MANY_REQUESTS_ERR', 'Too many requests: the instance is above its request rate limit');
    this.name = 'RateLimitedError';
  }
}
