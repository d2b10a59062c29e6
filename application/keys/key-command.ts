import type { KeyCommand } from '../../domain/keys/commands.ts';
import { isExisting, type ExistingKey, type KeyState } from '../../domain/keys/state.ts';
import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { findKey } from './find-key.ts';
import { keyAggregate, keyStreamId } from './key-aggregate.ts';

/** What every key command takes from the request and the services: when, who, and the operator's settings. */
export interface KeyCommandContext {
  readonly keyId: string;
  readonly now: string;
  readonly principalId: string;
  readonly settings: AppServices['settings'];
}

interface KeyCommandResult {
  /** The key before the command (a purge leaves no existing key after it). */
  readonly before: ExistingKey;
  readonly after: KeyState;
  /** False when the decider found nothing to change (an idempotent repeat). */
  readonly changed: boolean;
}

/**
 * Runs one command on a key of the caller's instance through the generic command handler. A key
 * of another instance, a malformed id and a purged key answer 404 before anything is decided; the
 * decider answers everything else (410 for a deleted key, 409 for a refused transition, ...).
 */
export async function runKeyCommand(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  build: (context: KeyCommandContext) => KeyCommand,
): Promise<KeyCommandResult> {
  const before = await findKey(services, scope.instanceId, id);
  const command = build({
    keyId: before.keyId,
    now: services.now().toISOString(),
    principalId,
    settings: services.settings,
  });
  const { state, events } = await handleCommand(
    services.store,
    keyAggregate,
    keyStreamId(before.keyId),
    command,
    scope,
  );
  return { before, after: state, changed: events.length > 0 };
}

/** The key after a command that leaves it existing (every command but a purge). */
export function existingAfter(result: KeyCommandResult): ExistingKey {
  if (!isExisting(result.after)) throw new Error('invariant: the key still exists after this command');
  return result.after;
}
