import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The string value of a Secrets Manager secret (`secretId`: an ARN or name), through the AWS SDK client:
 * the default credential chain, the regional, FIPS or dual-stack endpoint the environment asks for
 * (`AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`), retries. The
 * value is never logged or put into an error. `region` overrides the environment's (an ARN's own region).
 */
export async function getSecretString(secretId: string, region?: string): Promise<string> {
  const client = new SecretsManagerClient(region === undefined ? {} : { region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
    return SecretString;
  } finally {
    client.destroy();
  }
}
