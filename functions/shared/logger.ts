import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';

/**
 * The one logger. It logs operations, outcomes and ids, never request or response bodies, keys,
 * ciphertexts or tokens (docs/architecture.md, "Handlers, errors and logs").
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'keyledger',
  logLevel: (process.env.KEYLEDGER_LOG_LEVEL ?? 'INFO') as 'INFO',
});

/** Whether this process is a Lambda function (else the local server, a CLI or a test). */
export const ON_LAMBDA = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
const INFO_AND_BELOW = new Set(['TRACE', 'DEBUG', 'INFO']);

/**
 * The per-request logging context of a handler. On Lambda: Powertools' `injectLambdaContext` (one
 * request per process at a time, Lambda context fields, sampling). On the local server requests run
 * concurrently on one logger, so per-request keys appended to it would mix; they are passed with
 * each log line instead ({@link requestLog}), and no per-request work is done for the logger.
 */
export function requestLogContext(): MiddlewareObj[] {
  return ON_LAMBDA ? [injectLambdaContext(logger, { resetKeys: true })] : [];
}

/** Keys every line of one request carries: appended on Lambda, passed per line on the local server. */
export function appendRequestKeys(keys: Record<string, string | undefined>): void {
  if (ON_LAMBDA) logger.appendKeys(keys);
}

// The local server's level is fixed at start (KEYLEDGER_LOG_LEVEL); Lambda may sample per invocation.
const localInfoEnabled = INFO_AND_BELOW.has(logger.getLevelName());

/** The one `request` line of each request, skipped without cost when the local server logs above INFO. */
export function requestLog(keys: Record<string, string | undefined>, fields: Record<string, unknown>): void {
  if (ON_LAMBDA) logger.info('request', fields);
  else if (localInfoEnabled) logger.info('request', { ...keys, ...fields });
}

/**
 * What a log line says of a failure: its name and the start of its message. Messages of our own errors
 * and of the stores carry no key material; bodies never reach an error message.
 */
export function errorFields(error: unknown): { errorName: string; errorMessage: string | undefined } {
  return {
    errorName: error instanceof Error ? error.name : typeof error,
    errorMessage: error instanceof Error ? error.message.slice(0, 300) : undefined,
  };
}
