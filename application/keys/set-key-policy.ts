import type { KeyPolicyInput } from '../../domain/keys/commands.ts';
import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/** Sets a key's rotation or dualAuthDelete policy (PUT /keys/{id}/policies), one command per policy given. */
export async function setKeyPolicies(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  policies: readonly KeyPolicyInput[],
): Promise<ExistingKey> {
  let key: ExistingKey | undefined;
  for (const policy of policies) {
    key = existingAfter(
      await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'SetKeyPolicy', ...c, policy })),
    );
  }
  if (!key) throw new Error('invariant: at least one policy');
  return key;
}
