import {
  instancePoliciesDecider,
  type InstancePoliciesCommand,
  type InstancePoliciesEvent,
  type InstancePoliciesState,
  type InstancePolicyEntries,
} from '../../domain/instances/instance-policies.ts';
import { instancePoliciesCodec } from '../../events/schemas/instance-policies.ts';
import { loadState, type Aggregate } from '../command-handler.ts';
import type { AppServices } from '../services.ts';

/**
 * An instance's policies as the rest of keyledger reads them (createKey, the scheduler, access
 * checks). A policy never set, or disabled, is absent (or `enabled: false`) here; dualAuthDelete
 * is always present (Key Protect's default: disabled).
 */
export interface InstancePolicies {
  dualAuthDelete: { enabled: boolean };
  rotation?: { enabled: boolean; intervalMonth: number };
  allowedNetwork?: 'public-and-private' | 'private-only';
  allowedIP?: { enabled: boolean; ipAddresses: string[] };
  keyCreateImportAccess?: {
    createRootKey: boolean;
    createStandardKey: boolean;
    importRootKey: boolean;
    importStandardKey: boolean;
    enforceToken: boolean;
  };
  metrics?: { enabled: boolean };
}

export const instancePoliciesAggregate: Aggregate<
  InstancePoliciesState,
  InstancePoliciesCommand,
  InstancePoliciesEvent
> = {
  decider: instancePoliciesDecider,
  codec: instancePoliciesCodec,
  snapshotVersion: 1,
};

export const instancePoliciesStreamId = (instanceId: string): string => `instance-policies:${instanceId}`;

/** The flat view of the aggregate's entries (disabled attribute policies become absent). */
export function toInstancePolicies(entries: InstancePolicyEntries): InstancePolicies {
  const result: InstancePolicies = { dualAuthDelete: { enabled: entries.dualAuthDelete?.value.enabled ?? false } };
  for (const entry of Object.values(entries)) {
    const v = entry.value;
    switch (v.policy) {
      case 'dualAuthDelete':
        break;
      case 'rotation':
        if (v.enabled && v.intervalMonth !== undefined)
          result.rotation = { enabled: true, intervalMonth: v.intervalMonth };
        break;
      case 'allowedNetwork':
        if (v.enabled && v.allowedNetwork !== undefined) result.allowedNetwork = v.allowedNetwork;
        break;
      case 'allowedIP':
        result.allowedIP = { enabled: v.enabled, ipAddresses: v.enabled ? [...(v.ipAddresses ?? [])] : [] };
        break;
      case 'keyCreateImportAccess':
        if (v.enabled && v.attributes !== undefined) result.keyCreateImportAccess = { ...v.attributes };
        break;
      case 'metrics':
        result.metrics = { enabled: v.enabled };
        break;
      default: {
        const unhandled: never = v;
        return unhandled;
      }
    }
  }
  return result;
}

/** Loads the instance's policy entries from the stream head (O(1): the snapshot). */
export async function loadInstancePolicyEntries(
  services: AppServices,
  instanceId: string,
): Promise<InstancePolicyEntries> {
  const { state } = await loadState(services.store, instancePoliciesAggregate, instancePoliciesStreamId(instanceId));
  return state.status === 'Configured' ? state.policies : {};
}

/** The instance's policies, from the stream head (O(1)). */
export async function loadInstancePolicies(services: AppServices, instanceId: string): Promise<InstancePolicies> {
  return toInstancePolicies(await loadInstancePolicyEntries(services, instanceId));
}
