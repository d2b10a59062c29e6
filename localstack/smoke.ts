/**
 * Smoke test of a deployed stack (LocalStack or AWS) with the official, unmodified Key Protect SDK:
 * token exchange, create a root key, wrap a DEK, unwrap it, compare. Exits non-zero on any failure.
 *
 *   KEYLEDGER_OUTPUTS=localstack/outputs.json npx tsx localstack/smoke.ts
 *
 * From the outputs (`cdk deploy --outputs-file`) it takes `ApiUrl`, `DefaultInstanceId` and
 * `AdminApiKeySecretArn`, and reads the administrator's API key from that secret with the caller's
 * credentials from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY[, AWS_SESSION_TOKEN], AWS_REGION;
 * LocalStack: AWS_ENDPOINT_URL=http://localhost:4566). KEYLEDGER_URL, KEYLEDGER_INSTANCE and
 * KEYLEDGER_ADMIN_API_KEY override each of them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IamAuthenticator } from '@ibm-cloud/ibm-key-protect/auth/index.js';
import KeyProtect from '@ibm-cloud/ibm-key-protect/ibm-key-protect-api/v2.js';
import { getSecretString } from '../functions/shared/secrets-manager.ts';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

/** One output of the deployed stack (`cdk deploy --outputs-file`, KEYLEDGER_OUTPUTS). */
function output(name: string): string {
  const outputs = JSON.parse(readFileSync(required('KEYLEDGER_OUTPUTS'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  for (const stack of Object.values(outputs)) {
    const value = stack[name];
    if (value !== undefined && value !== '') return value;
  }
  throw new Error(`no ${name} output in KEYLEDGER_OUTPUTS`);
}

/** `variable` when set, else the stack output `name`. */
function setting(variable: string, name: string): string {
  const direct = process.env[variable];
  return direct !== undefined && direct !== '' ? direct : output(name);
}

/** The administrator's API key: KEYLEDGER_ADMIN_API_KEY, else the stack's secret (AdminApiKeySecretArn). */
async function adminApiKey(): Promise<string> {
  const direct = process.env['KEYLEDGER_ADMIN_API_KEY'];
  if (direct !== undefined && direct !== '') return direct;
  const arn = output('AdminApiKeySecretArn');
  // The secret's region, whatever the environment says.
  const region = arn.split(':')[3];
  return getSecretString(arn, region === undefined || region === '' ? undefined : region);
}

/** The SDK's typings declare request bodies as Buffer | ReadableStream, but it sends plain objects as JSON. */
const body = (value: object): Buffer => value as unknown as Buffer;

async function main(): Promise<void> {
  const url = setting('KEYLEDGER_URL', 'ApiUrl').replace(/\/$/, '');
  const instance = setting('KEYLEDGER_INSTANCE', 'DefaultInstanceId');
  const sdk = new KeyProtect({
    authenticator: new IamAuthenticator({ apikey: await adminApiKey(), url }),
    serviceUrl: url,
  });

  const created = await sdk.createKey({
    bluemixInstance: instance,
    prefer: 'return=representation',
    body: body({
      metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
      resources: [{ type: 'application/vnd.ibm.kms.key+json', name: `smoke-${Date.now()}`, extractable: false }],
    }),
  });
  const keyId = created.result.resources?.[0]?.id;
  if (created.status !== 201 || keyId === undefined) throw new Error(`createKey answered ${created.status}`);
  process.stdout.write(`created root key ${keyId}` + '\n');

  const dek = randomBytes(32).toString('base64');
  const aad = ['smoke=true'];
  const wrapped = await sdk.wrapKey({
    id: keyId,
    bluemixInstance: instance,
    keyActionWrapBody: body({ plaintext: dek, aad }),
  });
  const ciphertext = wrapped.result.ciphertext;
  if (ciphertext === undefined) throw new Error(`wrapKey answered ${wrapped.status} without a ciphertext`);
  process.stdout.write('wrapped a DEK' + '\n');

  const unwrapped = await sdk.unwrapKey({
    id: keyId,
    bluemixInstance: instance,
    keyActionUnwrapBody: body({ ciphertext, aad }),
  });
  if (unwrapped.result.plaintext !== dek) throw new Error('unwrap returned a different DEK');
  process.stdout.write('unwrapped it: smoke test passed' + '\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
