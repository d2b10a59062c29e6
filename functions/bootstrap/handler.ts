/**
 * The bootstrap identity on AWS (README "Deploy", Bootstrap identity on AWS): the onEvent handler of the stack's
 * `Bootstrap` custom resource (cdk/constructs/bootstrap.ts, aws-cdk-lib custom-resources Provider), run by
 * CloudFormation after the tables and the crypto function exist, on every deploy that creates or changes it.
 * - It makes the crypto function start once (its first start initialises the SoftHSM token on EFS) before
 *   any traffic, so two first starts cannot each initialise a token.
 * - It creates the service administrator with the API key held in the stack's generated secret
 *   (`KEYLEDGER_ADMIN_API_KEY_SECRET_ARN`; only this function's role may read it), and the default instance
 *   whose id the stack chose (the `DefaultInstanceId` property): the same idempotent path as the local
 *   server's start (application/identity/bootstrap-identity.ts). A deploy that finds them changes nothing;
 *   the secret is read only while the administrator does not exist yet.
 * - It gives the key list's rows what an index added since they were written needs
 *   (events/read-models/dynamodb/create-key-list-table.ts backfillListingAttributes): the custom resource names the
 *   key list's indexes, so the deploy that adds one runs it.
 * - Delete does nothing: the identity is data, and data follows the tables' removal policy.
 * The secret's value is never logged, returned or put into the custom resource's properties (the
 * Provider framework logs its events).
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { dynamoDbClient } from '../../events/dynamodb/dynamodb-clients.ts';
import { z } from 'zod';
import { ensureBootstrapIdentity } from '../../application/identity/bootstrap-identity.ts';
import { backfillListingAttributes } from '../../events/read-models/dynamodb/create-key-list-table.ts';
import type { AppServices } from '../../application/services.ts';
import { logger } from '../shared/logger.ts';
import { createLambdaServices } from '../shared/lambda-runtime.ts';
import { getSecretString } from '../shared/secrets-manager.ts';

/** The id CloudFormation knows the bootstrap by; one per stack. */
export const BOOTSTRAP_PHYSICAL_ID = 'keyledger-bootstrap';

const properties = z.object({ DefaultInstanceId: z.string() });

/** What the Provider framework expects back; `Data` becomes the custom resource's attributes. */
export interface BootstrapResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly DefaultInstanceId: string };
}

export interface BootstrapDeps {
  readonly services: Pick<AppServices, 'store' | 'hsm' | 'now' | 'newId'>;
  /** Reads the administrator's API key (the stack's secret). */
  readonly adminApiKey: () => Promise<string>;
  /** Backfills the key list's index attributes; returns the rows updated. */
  readonly backfillKeyList: () => Promise<number>;
}

/** The handler's logic, with its services and secret injectable for tests. */
export async function bootstrapStack(
  event: CloudFormationCustomResourceEvent,
  deps: BootstrapDeps,
): Promise<BootstrapResponse> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const { DefaultInstanceId } = properties.parse(event.ResourceProperties);
  // The crypto function's first start initialises the HSM token: make it happen here, once, before traffic.
  await deps.services.hsm.random(1);
  const result = await ensureBootstrapIdentity(deps.services, {
    defaultInstanceId: DefaultInstanceId,
    adminApiKey: deps.adminApiKey,
  });
  const keyListRowsBackfilled = await deps.backfillKeyList();
  logger.info('bootstrap identity ensured', { requestType: event.RequestType, ...result, keyListRowsBackfilled });
  return { PhysicalResourceId: BOOTSTRAP_PHYSICAL_ID, Data: { DefaultInstanceId: result.defaultInstanceId } };
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

/** Lambda entry (the Provider framework invokes it synchronously and reports to CloudFormation). */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<BootstrapResponse> {
  // Delete touches nothing, so it needs no services (and works when the tables are already gone).
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const dynamodb = dynamoDbClient();
  const services = await createLambdaServices(process.env, { dynamodb });
  const secretArn = required('KEYLEDGER_ADMIN_API_KEY_SECRET_ARN');
  const readModels = required('KEYLEDGER_READ_MODELS_TABLE');
  return bootstrapStack(event, {
    services,
    adminApiKey: () => getSecretString(secretArn),
    backfillKeyList: () => backfillListingAttributes(dynamodb, readModels),
  });
}
