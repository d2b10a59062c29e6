import { ApplicationError } from '../errors.ts';
import { loadState } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { apiKeyAggregate, apiKeyStreamId } from './api-key-aggregate.ts';
import { principalAggregate, principalStreamId } from './principal-aggregate.ts';
import { hashApiKey, hashesEqual } from './api-key-hash.ts';
import { currentSigningKid } from './signing-keys.ts';
import { signToken, type IssuedToken, type TokenRules } from './tokens.ts';

/** IAM's answer for every bad API key: nothing says whether the key exists. */
function invalidApiKey(): ApplicationError {
  return new ApplicationError('BXNIM0415E', 'Provided API key could not be found.');
}

/** Exchanges an API key for an access token (`POST /identity/token`). */
export async function issueToken(
  services: AppServices,
  rules: TokenRules,
  apiKey: string,
): Promise<{ token: IssuedToken; principalId: string }> {
  const keyHash = hashApiKey(apiKey);
  const { state: key } = await loadState(services.store, apiKeyAggregate, apiKeyStreamId(keyHash));
  if (key.status !== 'Active' || !hashesEqual(key.keyHash, keyHash)) throw invalidApiKey();
  const { state: principal } = await loadState(services.store, principalAggregate, principalStreamId(key.principalId));
  if (principal.status !== 'Active') throw invalidApiKey();
  const kid = await currentSigningKid(services);
  return {
    token: await signToken(services.hsm, rules, principal.principalId, keyHash, services.now().getTime(), kid),
    principalId: principal.principalId,
  };
}
