import type { RegistrationChange } from '../../domain/keys/events.ts';
import type { ExistingKey, Registration } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

interface RegistrationInput {
  readonly crn: string;
  readonly preventKeyDeletion?: boolean | undefined;
  readonly description?: string | undefined;
}

/**
 * An integrated service creates, updates, replaces or deletes the registration of one of its
 * resources (by CRN) on a root key. A replace (PUT) is an update whose omitted preventKeyDeletion is false.
 */
export async function changeRegistration(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  change: RegistrationChange,
  input: RegistrationInput,
): Promise<{ key: ExistingKey; registration?: Registration | undefined }> {
  const key = existingAfter(
    await runKeyCommand(services, scope, principalId, id, (c) => ({
      type: 'ChangeRegistration',
      ...c,
      change,
      crn: input.crn,
      preventKeyDeletion: input.preventKeyDeletion,
      description: input.description,
    })),
  );
  return { key, registration: key.registrations.find((r) => r.crn === input.crn) };
}
