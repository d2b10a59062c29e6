import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';
import { parseCidr } from '../access/ip-ranges.ts';
import {
  DEFAULT_KEY_CREATE_IMPORT_ACCESS,
  type AllowedNetwork,
  type InstancePolicyType,
  type InstancePolicyValue,
} from './policies.ts';

/**
 * The instance-policies aggregate: one stream per instance (`instance-policies:<instanceId>`).
 * Each PUT /instance/policies sets one or more policies; a policy that does not change yields no event.
 */

/** A policy as it stands, with Key Protect's bookkeeping (creationDate, createdBy, lastUpdated, updatedBy). */
export interface InstancePolicyEntry {
  readonly value: InstancePolicyValue;
  readonly creationDate: string;
  readonly createdBy: string;
  readonly lastUpdated: string;
  readonly updatedBy: string;
}

export type InstancePolicyEntries = { readonly [T in InstancePolicyType]?: InstancePolicyEntry };

/** Never-configured instances are in Default: every policy takes Key Protect's default. */
export type InstancePoliciesState =
  { readonly status: 'Default' } | { readonly status: 'Configured'; readonly policies: InstancePolicyEntries };

export interface SetInstancePolicies {
  readonly type: 'SetInstancePolicies';
  /** As the caller sent them (PUT with one or several `resources`). */
  readonly policies: readonly InstancePolicyValue[];
  readonly now: string;
  readonly principalId: string;
}

export type InstancePoliciesCommand = SetInstancePolicies;

export type InstancePoliciesEvent = {
  readonly type: 'InstancePolicySet';
  readonly data: InstancePolicyValue;
  readonly meta: EventStamp;
};

/** 400 INVALID_FIELD_ERR "The field '<field>' must be: <rule>", with the field as its target (as Key Protect). */
function invalid(field: string, rule: string): DomainError {
  return new DomainError('INVALID_FIELD_ERR', `The field '${field}' must be: ${rule}`, { type: 'field', name: field });
}

function noAttributesWhenDisabled(value: InstancePolicyValue, hasAttributes: boolean): void {
  if (!value.enabled && hasAttributes) {
    throw new DomainError('BAD_BODY_ERR', `The ${value.policy} policy takes no attributes when it is disabled`);
  }
}

/**
 * Checks one policy against Key Protect's rules and returns its stored form. A disabled policy keeps
 * the attributes Key Protect shows for it (its Go client's fixtures and CLI docs): allowedNetwork its
 * network (the one given, else the one it had, else public-and-private), allowedIP an empty list,
 * keyCreateImportAccess the defaults (attributes sent with it are accepted and not used); rotation
 * none. `previous` is the policy's current value, if it has one.
 */
export function normalizePolicy(value: InstancePolicyValue, previous?: InstancePolicyValue): InstancePolicyValue {
  switch (value.policy) {
    case 'dualAuthDelete':
    case 'metrics':
      return { policy: value.policy, enabled: value.enabled };
    case 'rotation': {
      noAttributesWhenDisabled(value, value.intervalMonth !== undefined);
      if (!value.enabled) return { policy: 'rotation', enabled: false };
      const m = value.intervalMonth;
      if (m === undefined || !Number.isInteger(m) || m < 1 || m > 12) {
        throw invalid('interval_month', 'an integer between 1 and 12 (inclusive)');
      }
      return { policy: 'rotation', enabled: true, intervalMonth: m };
    }
    case 'allowedNetwork': {
      const network = value.allowedNetwork as string | undefined;
      if (!value.enabled) {
        // The Go client always sends the attribute, possibly empty ("" keeps the network).
        if (network !== undefined && network !== '' && !isAllowedNetwork(network)) throw invalidNetwork();
        const kept = previous?.policy === 'allowedNetwork' ? previous.allowedNetwork : undefined;
        return {
          policy: 'allowedNetwork',
          enabled: false,
          allowedNetwork: network && isAllowedNetwork(network) ? network : (kept ?? 'public-and-private'),
        };
      }
      if (network === undefined || !isAllowedNetwork(network)) throw invalidNetwork();
      return { policy: 'allowedNetwork', enabled: true, allowedNetwork: network };
    }
    case 'allowedIP': {
      noAttributesWhenDisabled(value, (value.ipAddresses ?? []).length > 0);
      if (!value.enabled) return { policy: 'allowedIP', enabled: false, ipAddresses: [] };
      const ips = value.ipAddresses ?? [];
      if (ips.length === 0) throw invalid('allowed_ip', 'a non-empty list of CIDR subnets');
      for (const ip of ips) {
        const refusal = parseCidr(ip);
        if (typeof refusal === 'string')
          throw invalid('allowed_ip', `CIDR subnets that can match a caller; "${ip}": ${refusal}`);
      }
      return { policy: 'allowedIP', enabled: true, ipAddresses: [...new Set(ips)] };
    }
    case 'keyCreateImportAccess': {
      if (!value.enabled)
        return { policy: 'keyCreateImportAccess', enabled: false, attributes: DEFAULT_KEY_CREATE_IMPORT_ACCESS };
      return {
        policy: 'keyCreateImportAccess',
        enabled: true,
        attributes: { ...DEFAULT_KEY_CREATE_IMPORT_ACCESS, ...value.attributes },
      };
    }
    default: {
      const unhandled: never = value;
      return unhandled;
    }
  }
}

function isAllowedNetwork(value: string): value is AllowedNetwork {
  return value === 'public-and-private' || value === 'private-only';
}

function invalidNetwork(): DomainError {
  return invalid('allowed_network', "'public-and-private' or 'private-only'");
}

function sameValue(a: InstancePolicyValue, b: InstancePolicyValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function policiesOf(state: InstancePoliciesState): InstancePolicyEntries {
  return state.status === 'Configured' ? state.policies : {};
}

/** Sets policies (InstancePolicySet per changed policy); the same policy twice in one request is 400 BAD_BODY_ERR. */
function setInstancePolicies(command: SetInstancePolicies, state: InstancePoliciesState): InstancePoliciesEvent[] {
  if (command.policies.length === 0) throw new DomainError('BAD_BODY_ERR', 'At least one policy is required');
  const seen = new Set<InstancePolicyType>();
  for (const p of command.policies) {
    if (seen.has(p.policy)) throw new DomainError('BAD_BODY_ERR', `The ${p.policy} policy appears more than once`);
    seen.add(p.policy);
  }
  const current = policiesOf(state);
  return command.policies
    .map((value) => normalizePolicy(value, current[value.policy]?.value))
    .filter((value) => {
      const entry = current[value.policy];
      return entry === undefined || !sameValue(entry.value, value);
    })
    .map((value) => ({
      type: 'InstancePolicySet',
      data: value,
      meta: { time: command.now, principalId: command.principalId },
    }));
}

export const instancePoliciesDecider: Decider<InstancePoliciesState, InstancePoliciesCommand, InstancePoliciesEvent> = {
  initialState: () => ({ status: 'Default' }),
  decide(command, state) {
    switch (command.type) {
      case 'SetInstancePolicies':
        return setInstancePolicies(command, state);
      default: {
        const unhandled: never = command.type;
        throw new Error(`unhandled command ${String(unhandled)}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'InstancePolicySet': {
        const policies = policiesOf(state);
        const previous = policies[event.data.policy];
        const entry: InstancePolicyEntry = {
          value: event.data,
          creationDate: previous?.creationDate ?? event.meta.time,
          createdBy: previous?.createdBy ?? event.meta.principalId,
          lastUpdated: event.meta.time,
          updatedBy: event.meta.principalId,
        };
        return { status: 'Configured', policies: { ...policies, [event.data.policy]: entry } };
      }
      default: {
        const unhandled: never = event.type;
        throw new Error(`unhandled event ${String(unhandled)}`);
      }
    }
  },
};
