/**
 * The Runtime of the API functions on AWS (functions/api/groups/*.ts install it at module load; the
 * first request builds it once per instance):
 * - the DynamoDB event store and key-list read model on the tables the stack names in the environment;
 * - the HSM port over the crypto function (functions/crypto/remote/lambda-hsm.ts);
 * - an authenticator whose token verifier is fed from the JWKS item the authorizer reads (retired keys carry
 *   their end, so a warm instance stops trusting them on time). The function
 *   that serves the token exchange (`KEYLEDGER_PUBLISH_JWKS=true`) publishes there, before it serves, the
 *   public halves of the current signing key and of the retired ones still within their validity (the first
 *   key made in the HSM if missing), and again before it signs with a key it has not published (one rotated
 *   in by the admin function): no token exists before its key is published;
 * - the hash-chained audit log on the audit table, opened on the first audited request (its checkpoint
 *   signer needs the HSM; the health route, which has no access to it, never opens it);
 * - the access authorizer and operator settings from the environment.
 *
 * Read models are eventually consistent here: the projector is a separate Lambda function on the events
 * table's stream, so `catchUpReadModels` resolves at once and a listing may miss a key created a moment
 * ago (typically for under a second; the projector alarm fires when it lags a minute). Everything that
 * decides (state checks, wrap/unwrap) reads the event store's head items with strongly consistent reads.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../events/dynamodb/dynamodb-clients.ts';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Authorizer } from '../../application/access/authorizer.ts';
import type {
  AuditLog,
  AuditPage,
  AuditQuery,
  AuditVerification,
  AuditEntry,
} from '../../application/audit/audit-log.ts';
import { ChainedAuditLog } from '../../application/audit/chained-audit-log.ts';
import type { AuditRequestRef } from '../../application/ports/audit-storage.ts';
import { hsmCheckpointSigner } from '../../application/audit/hsm-checkpoint-signer.ts';
import { Authenticator } from '../../application/identity/authenticate.ts';
import { isTokenSigningKid } from '../../application/identity/signing-keys.ts';
import { tokenRulesFromEnv, TokenVerifier } from '../../application/identity/tokens.ts';
import type { AppServices } from '../../application/services.ts';
import { settingsFromEnv } from '../../application/settings.ts';
import { openDynamoDbAuditStorage } from '../../events/audit/dynamodb/dynamodb-audit-storage.ts';
import { openDynamoDbKeyList } from '../../events/read-models/dynamodb/dynamodb-key-list.ts';
import { openDynamoDbEventStore } from '../../events/store/dynamodb/dynamodb-event-store.ts';
import { openDynamoDbIdempotencyStore } from '../../events/idempotency/dynamodb/idempotency-table.ts';
import { jwksVerificationKeys } from '../authorizer/jwks-source.ts';
import type { Hsm } from '../../application/ports/hsm.ts';
import { openLambdaHsm } from '../crypto/remote/lambda-hsm.ts';
import { publishVerificationKeys } from './jwks-publisher.ts';
import { installRuntimeFactory, type Runtime } from './runtime.ts';

/** Opens the audit log on first use, so building the runtime costs no crypto call; a failed open is retried. */
class LazyAuditLog implements AuditLog {
  private log: Promise<AuditLog> | undefined;

  constructor(private readonly open: () => Promise<AuditLog>) {}

  async record(entry: AuditEntry): Promise<void> {
    return (await this.opened()).record(entry);
  }
  async query(query: AuditQuery): Promise<AuditPage> {
    return (await this.opened()).query(query);
  }
  async verify(instanceId: string): Promise<AuditVerification> {
    return (await this.opened()).verify(instanceId);
  }
  async readBack(chain: string, beforeSeq: number | null, limit: number): Promise<AuditRequestRef[]> {
    return (await this.opened()).readBack(chain, beforeSeq, limit);
  }
  async close(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    if (log) await (await log).close();
  }

  private opened(): Promise<AuditLog> {
    this.log ??= this.open().catch((error: unknown) => {
      this.log = undefined;
      throw error;
    });
    return this.log;
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

/** Replaceable parts, for tests: the DynamoDB client and the HSM (default: the crypto function). */
export interface LambdaRuntimeDeps {
  readonly dynamodb?: DynamoDBClient;
  readonly hsm?: Hsm;
}

/**
 * The application's services on AWS: event store, key-list read model, HSM over the crypto function,
 * operator settings. The API functions and the scheduled function (functions/scheduler/handler.ts) use them.
 */
export async function createLambdaServices(
  env: NodeJS.ProcessEnv = process.env,
  deps: LambdaRuntimeDeps = {},
): Promise<AppServices> {
  const client = deps.dynamodb ?? dynamoDbClient();
  const hsm = deps.hsm ?? openLambdaHsm(new LambdaClient({}), required(env, 'KEYLEDGER_CRYPTO_FUNCTION'));
  const [store, keyList] = await Promise.all([
    openDynamoDbEventStore({ client, tableName: required(env, 'KEYLEDGER_EVENTS_TABLE') }),
    openDynamoDbKeyList({ client, tableName: required(env, 'KEYLEDGER_READ_MODELS_TABLE') }),
  ]);
  return {
    store,
    hsm,
    keyList,
    settings: settingsFromEnv(env),
    catchUpReadModels: () => Promise.resolve(),
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}

/** Builds the runtime from the environment the stack sets (cdk/constructs/api.ts). */
export async function createLambdaRuntime(
  env: NodeJS.ProcessEnv = process.env,
  deps: LambdaRuntimeDeps = {},
): Promise<Runtime> {
  const client = deps.dynamodb ?? dynamoDbClient();
  let services = await createLambdaServices(env, { ...deps, dynamodb: client });
  const hsm = services.hsm;
  const jwksTable = required(env, 'KEYLEDGER_JWKS_TABLE');
  if (env.KEYLEDGER_PUBLISH_JWKS === 'true') {
    const publish = () => publishVerificationKeys(services, client, jwksTable);
    services = { ...services, hsm: publishingBeforeSigning(hsm, await publish(), publish) };
  }
  const audit = new LazyAuditLog(
    async () =>
      new ChainedAuditLog({
        storage: await openDynamoDbAuditStorage({ client, tableName: required(env, 'KEYLEDGER_AUDIT_TABLE') }),
        signer: await hsmCheckpointSigner(hsm),
        // Every commit sealed: an instance is frozen between invocations (no timer runs) and may be
        // ended without a clean shutdown, and concurrent instances write one chain.
        sealIntervalMs: 0,
      }),
  );
  return {
    services,
    authenticator: new Authenticator(
      services,
      new TokenVerifier(jwksVerificationKeys(client, jwksTable), tokenRulesFromEnv(env)),
    ),
    authorizer: new Authorizer(services),
    audit,
    idempotency: openDynamoDbIdempotencyStore({ client, tableName: required(env, 'KEYLEDGER_IDEMPOTENCY_TABLE') }),
  };
}

/**
 * The token exchange's HSM: before it signs with a token-signing key it has not published (a rotation by
 * the admin function since this instance published), it publishes the verification keys again, and it
 * refuses to sign with a key that is still not among them. Every other operation passes through.
 */
export function publishingBeforeSigning(
  hsm: Hsm,
  initiallyPublished: ReadonlySet<string>,
  publish: () => Promise<ReadonlySet<string>>,
): Hsm {
  let published = initiallyPublished;
  let pending: Promise<ReadonlySet<string>> | undefined;
  const sign = async (label: string, data: Uint8Array): Promise<Uint8Array> => {
    if (isTokenSigningKid(label) && !published.has(label)) {
      pending ??= publish().finally(() => (pending = undefined));
      published = await pending;
      if (!published.has(label)) throw new Error(`token-signing key ${label} is not a published verification key`);
    }
    return hsm.sign(label, data);
  };
  return new Proxy(hsm, {
    get(target, property) {
      if (property === 'sign') return sign;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Called by every API group entry: the first request of a Lambda instance builds the runtime. */
export function installLambdaRuntime(): void {
  installRuntimeFactory(() => createLambdaRuntime());
}
