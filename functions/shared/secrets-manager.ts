import { z } from 'zod';
import { credentialsFromEnv, signRequest } from './aws-sigv4.ts';

const secretValue = z.object({ SecretString: z.string() });
const awsError = z.object({
  __type: z.string().optional(),
  message: z.string().optional(),
  Message: z.string().optional(),
});

/** Secrets Manager's endpoint: `AWS_ENDPOINT_URL_SECRETS_MANAGER`, else `AWS_ENDPOINT_URL` (LocalStack sets it), else the regional one. */
export function secretsManagerEndpoint(env: NodeJS.ProcessEnv, region: string): URL {
  const override = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
  if (override) return new URL(override);
  return new URL(`https://secretsmanager.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`);
}

/**
 * `GetSecretValue` of the Secrets Manager JSON API, signed with the function's own credentials: the
 * string value of `secretId` (an ARN). A minimal typed call instead of @aws-sdk/client-secrets-manager,
 * which this project does not install; it never logs or puts the value into an error.
 */
export async function getSecretString(
  secretId: string,
  env: NodeJS.ProcessEnv = process.env,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const url = secretsManagerEndpoint(env, region);
  const body = JSON.stringify({ SecretId: secretId });
  const headers = signRequest(
    {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      body,
    },
    { credentials: credentialsFromEnv(env), region, service: 'secretsmanager', now: new Date() },
  );
  delete headers['host']; // fetch sets it from the URL
  const response = await fetchImpl(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const json: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = awsError.safeParse(json);
    const type = error.success ? (error.data.__type ?? 'unknown').split('#').pop() : 'unknown';
    const message = error.success ? (error.data.message ?? error.data.Message ?? '') : '';
    throw new Error(
      `Secrets Manager GetSecretValue answered ${response.status} ${type}${message ? `: ${message}` : ''}`,
    );
  }
  const parsed = secretValue.safeParse(json);
  if (!parsed.success) throw new Error('Secrets Manager GetSecretValue answered without a SecretString');
  return parsed.data.SecretString;
}
