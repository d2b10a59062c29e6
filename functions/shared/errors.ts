import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ZodError, type core } from 'zod';
import { DomainError, REASON_STATUS, type ErrorTarget, type ReasonCode } from '../../domain/errors.ts';
import { ApplicationError } from '../../application/errors.ts';
import { DependencyUnavailableError } from '../../application/ports/dependency-unavailable.ts';
import { ConcurrencyError } from '../../application/ports/event-store.ts';
import { HsmError, HsmUnavailableError } from '../../application/ports/hsm.ts';
import { errorFields, logger } from './logger.ts';

/**
 * The one error mapper: every error becomes a Key Protect error body. Each layer throws its own type
 * (DomainError from deciders, ApplicationError from use cases, RequestError from the edge, ZodError
 * from request schemas, HsmError from the HSM port); all carry a reason code of domain/errors.ts,
 * whose table gives the status (docs/architecture.md, "Handlers, errors and logs"). Only 4xx carry their
 * message; anything else is a 500 with a generic
 * message and is logged (without payloads).
 */
export const ERROR_COLLECTION_TYPE = 'application/vnd.ibm.kms.error+json';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface MappedError {
  readonly status: number;
  readonly code: ReasonCode;
  readonly message: string;
  /** Seconds the caller should wait before a retry (`Retry-After`), for 503. */
  readonly retryAfterS?: number;
  readonly target?: ErrorTarget | undefined;
}

/** How long a caller is asked to wait after a 503: the store's retries and the HSM's reconnect take about this long. */
const UNAVAILABLE_RETRY_AFTER_S = 1;

/**
 * A request the edge refuses before any use case runs (a malformed body or header). `status` differs
 * from the code's own only for a body over the size limit (413).
 */
export class RequestError extends Error {
  readonly status: number;
  readonly target: ErrorTarget | undefined;
  readonly retryAfterS: number | undefined;

  constructor(
    readonly code: ReasonCode,
    message: string,
    options: { readonly status?: number; readonly target?: ErrorTarget; readonly retryAfterS?: number } = {},
  ) {
    super(message);
    this.name = 'RequestError';
    this.status = options.status ?? REASON_STATUS[code];
    this.target = options.target;
    this.retryAfterS = options.retryAfterS;
  }
}

/** The error body of a reason code with its own status. */
export function reasonError(code: ReasonCode, message: string, target?: ErrorTarget): MappedError {
  return { status: REASON_STATUS[code], code, message, target };
}

/** Key Protect's message for a body it cannot take as a whole (docs: error-messages, BAD_BODY_ERR). */
const BAD_BODY_MESSAGE =
  'Invalid body data was passed: Please ensure the data passed had valid formatting with no invalid characters';

/**
 * A body schema's refusal, as Key Protect words it: a rule of one field of a resource is 400 INVALID_FIELD_ERR
 * "The field '<name>' must be: <rule>" with the field as `target`; the collection around the resources (its
 * metadata, the number of resources) and fields it does not know are 400 BAD_BODY_ERR; an issue a schema
 * raises with a reason code of its own (`params.reason`, e.g. COLLECTION_TOTAL_MISMATCH_ERR) answers that code.
 */
function bodyIssue(issue: core.$ZodIssue | undefined): MappedError {
  if (issue === undefined) return reasonError('BAD_BODY_ERR', BAD_BODY_MESSAGE);
  const reason: unknown = issue.code === 'custom' ? issue.params?.['reason'] : undefined;
  if (typeof reason === 'string' && Object.hasOwn(REASON_STATUS, reason))
    return reasonError(reason as ReasonCode, issue.message);
  const field = issue.path.findLast((segment): segment is string => typeof segment === 'string');
  if (
    field === undefined ||
    field === 'resources' ||
    issue.path[0] === 'metadata' ||
    issue.code === 'unrecognized_keys'
  )
    return reasonError('BAD_BODY_ERR', `${BAD_BODY_MESSAGE}: ${issue.message}`);
  return reasonError('INVALID_FIELD_ERR', `The field '${field}' must be: ${issue.message}`, {
    type: 'field',
    name: field,
  });
}

/** 503 with `Retry-After`: a dependency cannot serve now, or the request ran out of its time budget. */
export function serviceUnavailable(): MappedError {
  return { ...reasonError('SERVICE_UNAVAILABLE_ERR', 'Service unavailable'), retryAfterS: UNAVAILABLE_RETRY_AFTER_S };
}

export function mapError(error: unknown): MappedError {
  if (error instanceof DomainError) return reasonError(error.code, error.message, error.target);
  if (error instanceof ApplicationError) return reasonError(error.code, error.message);
  if (error instanceof RequestError)
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      target: error.target,
      ...(error.retryAfterS === undefined ? {} : { retryAfterS: error.retryAfterS }),
    };
  if (error instanceof ZodError) return bodyIssue(error.issues[0]);
  if (error instanceof HsmError && error.code === 'HSM_INVALID_INPUT')
    return { status: 400, code: 'BAD_BODY_ERR', message: error.message };
  // The command handler's retries ran out against other writers of the same stream: nothing was written.
  if (error instanceof ConcurrencyError)
    return reasonError(
      'CONFLICT_ERR',
      'The resource was changed by other requests at the same time: nothing was changed, retry',
    );
  if (error instanceof DependencyUnavailableError || error instanceof HsmUnavailableError) {
    logger.warn('dependency unavailable', {
      errorName: error.name,
      errorMessage: error.message.slice(0, 300),
      cause: error.cause instanceof Error ? error.cause.message.slice(0, 300) : undefined,
    });
    return serviceUnavailable();
  }
  // Messages of our own errors and of the store carry no key material; bodies are never logged.
  logger.error('request failed', {
    ...errorFields(error),
    errorCode: error instanceof HsmError ? error.code : undefined,
  });
  return { status: 500, code: 'INTERNAL_SERVER_ERR', message: 'Internal server error' };
}

/**
 * Key Protect's `errorMsg`: for a refusal of a Key Protect API operation, what failed and the reason code
 * (`Bad Request: Key could not be created: Please see \`reasons\` for more details (BAD_BODY_ERR)`, error-messages
 * of the Key Protect docs); otherwise, and for 401 (whose errorMsg Key Protect words as the reason's message), the
 * status text and the message.
 */
function errorMsg(mapped: MappedError, failure: string | undefined): string {
  const text = STATUS_TEXT[mapped.status] ?? 'Error';
  if (failure === undefined || mapped.status === 401 || mapped.status >= 500) return `${text}: ${mapped.message}`;
  return `${text}: ${failure}: Please see \`reasons\` for more details (${mapped.code})`;
}

/** Key Protect's error body for a mapped error; `failure` is the operation's (OperationDefinition.failure). */
export function errorResponse(
  mapped: MappedError,
  headers: Record<string, string> = {},
  failure?: string,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: mapped.status,
    headers: {
      'content-type': 'application/json',
      ...(mapped.retryAfterS === undefined ? {} : { 'retry-after': String(mapped.retryAfterS) }),
      ...headers,
    },
    body: JSON.stringify({
      metadata: { collectionType: ERROR_COLLECTION_TYPE, collectionTotal: 1 },
      resources: [
        {
          errorMsg: errorMsg(mapped, failure),
          reasons: [
            {
              code: mapped.code,
              message: mapped.message,
              status: mapped.status,
              moreInfo: 'https://github.com/keyledger/keyledger#errors',
              ...(mapped.target ? { target: mapped.target } : {}),
            },
          ],
        },
      ],
    }),
  };
}
