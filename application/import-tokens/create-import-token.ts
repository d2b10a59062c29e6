import { IMPORT_TOKEN_LIMITS, type ImportTokenFacts } from '../../domain/import-tokens/import-token.ts';
import { loadState, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { importTokenAggregate, importTokenStreamId, runImportTokenCommand } from './import-token-aggregate.ts';

interface CreateImportTokenInput {
  readonly expiration?: number | undefined;
  readonly maxAllowedRetrievals?: number | undefined;
}

/** Bytes of the nonce the importer encrypts under the imported material (Key Protect's nonces are 12 bytes). */
const NONCE_BYTES = 12;

/**
 * Creates the instance's import token (POST /import_token): an RSA-4096 key pair generated in the
 * HSM and a nonce from the HSM's generator. It replaces any previous token, whose pair is destroyed.
 */
export async function createImportToken(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  input: CreateImportTokenInput,
): Promise<ImportTokenFacts> {
  const expiration = input.expiration ?? IMPORT_TOKEN_LIMITS.defaultExpirationS;
  const maxAllowedRetrievals = input.maxAllowedRetrievals ?? IMPORT_TOKEN_LIMITS.defaultRetrievals;
  // Validate before the (slow) RSA-4096 generation: the decider refuses bad values on any state.
  importTokenAggregate.decider.decide(
    {
      type: 'CreateImportToken',
      keyPairId: '-',
      publicKey: '-',
      nonce: '-',
      expiration,
      maxAllowedRetrievals,
      now: services.now().toISOString(),
      principalId,
    },
    importTokenAggregate.decider.initialState(),
  );
  const previous = (await loadState(services.store, importTokenAggregate, importTokenStreamId(scope.instanceId))).state;
  const pair = await services.hsm.generateImportKeyPair();
  const nonce = Buffer.from(await services.hsm.random(NONCE_BYTES)).toString('base64');
  let state;
  try {
    state = await runImportTokenCommand(services, scope, principalId, (now) => ({
      type: 'CreateImportToken',
      keyPairId: pair.id,
      publicKey: Buffer.from(pair.publicKeyDer).toString('base64'),
      nonce,
      expiration,
      maxAllowedRetrievals,
      now,
      principalId,
    }));
  } catch (error) {
    await services.hsm.destroyImportKeyPair(pair.id);
    throw error;
  }
  if (previous.status === 'Active' && previous.keyPairId !== pair.id)
    await services.hsm.destroyImportKeyPair(previous.keyPairId);
  if (state.status !== 'Active') throw new Error('invariant: a created import token is active');
  return state;
}
