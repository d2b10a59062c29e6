/**
 * Smoke test of a deployed stack (LocalStack or AWS) with the official, unmodified Key Protect SDK:
 * token exchange, create a root key, wrap a DEK, unwrap it, compare. Exits non-zero on any failure.
 *
 *   KEYLEDGER_URL=https://... | KEYLEDGER_OUTPUTS=localstack/outputs.json   (the stack's ApiUrl output)
 *   KEYLEDGER_ADMIN_API_KEY=...  KEYLEDGER_INSTANCE=<instance id>
 *   npx tsx localstack/smoke.ts
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IamAuthenticator } from '@ibm-cloud/ibm-key-protect/auth/index.js';
import KeyProtect from '@ibm-cloud/ibm-key-protect/ibm-key-protect-api/v2.js';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

/** The API URL: KEYLEDGER_URL, else the ApiUrl output of `cdk deploy --outputs-file`. */
function apiUrl(): string {
  const direct = process.env['KEYLEDGER_URL'];
  if (direct !== undefined && direct !== '') return direct.replace(/\/$/, '');
  const outputs = JSON.parse(readFileSync(required('KEYLEDGER_OUTPUTS'), 'utf8')) as Record<string, Record<string, string>>;
  for (const stack of Object.values(outputs)) {
    const url = stack['ApiUrl'];
    if (url !== undefined) return url.replace(/\/$/, '');
  }
  throw new Error('no ApiUrl output in KEYLEDGER_OUTPUTS');
}

/** The SDK's typings declare request bodies as Buffer | ReadableStream, but it sends plain objects as JSON. */
const body = (value: object): Buffer => value as unknown as Buffer;

async function main(): Promise<void> {
  const url = apiUrl();
  const instance = required('KEYLEDGER_INSTANCE');
  const sdk = new KeyProtect({
    authenticator: new IamAuthenticator({ apikey: required('KEYLEDGER_ADMIN_API_KEY'), url }),
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
  const wrapped = await sdk.wrapKey({ id: keyId, bluemixInstance: instance, keyActionWrapBody: body({ plaintext: dek, aad }) });
  const ciphertext = wrapped.result.ciphertext;
  if (ciphertext === undefined) throw new Error(`wrapKey answered ${wrapped.status} without a ciphertext`);
  process.stdout.write('wrapped a DEK' + '\n');

  const unwrapped = await sdk.unwrapKey({ id: keyId, bluemixInstance: instance, keyActionUnwrapBody: body({ ciphertext, aad }) });
  if (unwrapped.result.plaintext !== dek) throw new Error('unwrap returned a different DEK');
  process.stdout.write('unwrapped it: smoke test passed' + '\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
