import type { Binding, Scope } from '../../domain/access/bindings.ts';
import { PrincipalNotFoundError } from '../../domain/identity/principal.ts';
import type { Role } from '../../domain/access/roles.ts';
import { handleCommand, loadState, type RequestScope } from '../command-handler.ts';
import { ApplicationError, instanceNotFound } from '../errors.ts';
import { instanceAggregate, instanceStreamId } from '../identity/instance-aggregate.ts';
import { principalAggregate, principalStreamId } from '../identity/principal-aggregate.ts';
import { findKey } from '../keys/find-key.ts';
import type { AppServices } from '../services.ts';
import { accessAggregate, accessStreamId } from './access-aggregate.ts';

interface GrantInput {
  readonly instanceId: string;
  readonly principalId: string;
  readonly role: Role;
  readonly keyRingId?: string | undefined;
  /** A key id or alias of the instance; stored as the key id. */
  readonly keyId?: string | undefined;
  readonly callerPrincipalId: string;
}

/** A binding as the administration API shows it. */
interface BindingView {
  readonly id: string;
  readonly instanceId: string;
  readonly principalId: string;
  readonly role: Role;
  readonly keyRingId?: string;
  readonly keyId?: string;
  readonly createdAt: string;
}

function bindingView(instanceId: string, binding: Binding): BindingView {
  return {
    id: binding.bindingId,
    instanceId,
    principalId: binding.principalId,
    role: binding.role,
    ...(binding.scope.kind === 'keyRing' ? { keyRingId: binding.scope.keyRingId } : {}),
    ...(binding.scope.kind === 'key' ? { keyId: binding.scope.keyId } : {}),
    createdAt: binding.grantedAt,
  };
}

/**
 * Grants a role to a principal on an instance, one of its key rings, or one of its keys
 * (`POST /admin/v1/instances/{id}/access`). The instance and the principal must exist, and a key
 * scope must name a key of this instance (an alias is resolved to the key's id).
 */
export async function grantAccess(services: AppServices, scope: RequestScope, input: GrantInput): Promise<BindingView> {
  if (input.keyRingId !== undefined && input.keyId !== undefined) {
    throw new ApplicationError('BAD_REQUEST_ERR', 'Give keyRingId or keyId, not both');
  }
  const { state: instance } = await loadState(services.store, instanceAggregate, instanceStreamId(input.instanceId));
  if (instance.status !== 'Active') throw instanceNotFound();
  const { state: principal } = await loadState(
    services.store,
    principalAggregate,
    principalStreamId(input.principalId),
  );
  if (principal.status !== 'Active') throw new PrincipalNotFoundError();
  let bindingScope: Scope = { kind: 'instance' };
  if (input.keyRingId !== undefined) bindingScope = { kind: 'keyRing', keyRingId: input.keyRingId };
  if (input.keyId !== undefined)
    bindingScope = { kind: 'key', keyId: (await findKey(services, input.instanceId, input.keyId)).keyId };
  const bindingId = services.newId();
  const { state } = await handleCommand(
    services.store,
    accessAggregate,
    accessStreamId(input.instanceId),
    {
      type: 'GrantAccess',
      bindingId,
      principalId: input.principalId,
      role: input.role,
      scope: bindingScope,
      now: services.now().toISOString(),
      principalIdOfCaller: input.callerPrincipalId,
    },
    { ...scope, instanceId: input.instanceId },
  );
  const binding = state.status === 'Bound' ? state.bindings[bindingId] : undefined;
  if (!binding) throw new Error('invariant: a granted binding exists');
  return bindingView(input.instanceId, binding);
}

/** Removes a binding (`DELETE /admin/v1/instances/{id}/access/{bindingId}`); it stops counting within the authorizer's cache bound. */
export async function revokeAccess(
  services: AppServices,
  scope: RequestScope,
  input: { instanceId: string; bindingId: string; callerPrincipalId: string },
): Promise<void> {
  await handleCommand(
    services.store,
    accessAggregate,
    accessStreamId(input.instanceId),
    {
      type: 'RevokeAccess',
      bindingId: input.bindingId,
      now: services.now().toISOString(),
      principalIdOfCaller: input.callerPrincipalId,
    },
    { ...scope, instanceId: input.instanceId },
  );
}

/** The instance's bindings, oldest first. */
export async function listAccess(services: AppServices, instanceId: string): Promise<BindingView[]> {
  const { state: instance } = await loadState(services.store, instanceAggregate, instanceStreamId(instanceId));
  if (instance.status !== 'Active') throw instanceNotFound();
  const { state } = await loadState(services.store, accessAggregate, accessStreamId(instanceId));
  const bindings = state.status === 'Bound' ? Object.values(state.bindings) : [];
  return bindings.sort((a, b) => a.grantedAt.localeCompare(b.grantedAt)).map((b) => bindingView(instanceId, b));
}
