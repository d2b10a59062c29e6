import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. It logs operations, outcomes and ids, never request or response bodies, keys,
 * ciphertexts or tokens (DESIGN.md decision 7).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'keyledger', logLevel: (process.env.KEYLEDGER_LOG_LEVEL ?? 'INFO') as 'INFO' });
