import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { instancePoliciesDecider, type InstancePoliciesEvent } from '../../../domain/instances/instance-policies.ts';
import type { InstancePolicyValue } from '../../../domain/instances/policies.ts';
import { toInstancePolicies } from '../../../application/instances/instance-policies.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

const spec = DeciderSpecification(instancePoliciesDecider);
const now = '2025-01-01T00:00:00.000Z';
const meta = { time: now, principalId: 'p1' };
const set = (...policies: InstancePolicyValue[]) =>
  ({ type: 'SetInstancePolicies', policies, now, principalId: 'p1' }) as const;
const ev = (data: InstancePolicyValue): InstancePoliciesEvent => ({ type: 'InstancePolicySet', data, meta });

describe('instance policies decider', () => {
  it('sets policies, one event per changed policy; an unchanged one yields nothing', () => {
    spec
      .given([])
      .when(set({ policy: 'dualAuthDelete', enabled: true }, { policy: 'metrics', enabled: true }))
      .then([ev({ policy: 'dualAuthDelete', enabled: true }), ev({ policy: 'metrics', enabled: true })]);
    spec
      .given([ev({ policy: 'dualAuthDelete', enabled: true })])
      .when(set({ policy: 'dualAuthDelete', enabled: true }))
      .thenNothingHappens();
  });
  it('rotation needs interval_month 1..12 when enabled', () => {
    spec
      .given([])
      .when(set({ policy: 'rotation', enabled: true }))
      .thenThrows('INVALID_FIELD_ERR');
    spec
      .given([])
      .when(set({ policy: 'rotation', enabled: true, intervalMonth: 13 }))
      .thenThrows('INVALID_FIELD_ERR');
    spec
      .given([])
      .when(set({ policy: 'rotation', enabled: true, intervalMonth: 12 }))
      .then([ev({ policy: 'rotation', enabled: true, intervalMonth: 12 })]);
  });
  it('allowedIP needs CIDR subnets; allowedNetwork one of two values; IP addresses are refused on a disabled policy', () => {
    spec
      .given([])
      .when(set({ policy: 'allowedIP', enabled: true, ipAddresses: ['10.0.0.1'] }))
      .thenThrows('INVALID_FIELD_ERR');
    spec
      .given([])
      .when(set({ policy: 'allowedIP', enabled: true, ipAddresses: [] }))
      .thenThrows('INVALID_FIELD_ERR');
    spec
      .given([])
      .when(set({ policy: 'allowedNetwork', enabled: true }))
      .thenThrows('INVALID_FIELD_ERR');
    spec
      .given([])
      .when(set({ policy: 'allowedIP', enabled: false, ipAddresses: ['10.0.0.0/8'] }))
      .thenThrows('BAD_BODY_ERR');
  });
  it('refuses an allowedIP list with a CIDR that can never match a caller (it would lock out all but the administrator)', () => {
    for (const never of ['1:2:3:4:5:6:7:8:/128', ':1:2:3:4:5:6:7:8/128', '::ffff:10.0.0.1/128', '1.2.3.4::/128'])
      spec
        .given([])
        .when(set({ policy: 'allowedIP', enabled: true, ipAddresses: ['10.0.0.0/8', never] }))
        .thenThrows('INVALID_FIELD_ERR');
  });
  it("a disabled policy keeps what Key Protect shows: allowedNetwork's network, allowedIP [], keyCreateImportAccess defaults", () => {
    const defaults = {
      createRootKey: true,
      createStandardKey: true,
      importRootKey: true,
      importStandardKey: true,
      enforceToken: false,
    };
    spec
      .given([ev({ policy: 'allowedNetwork', enabled: true, allowedNetwork: 'private-only' })])
      .when(set({ policy: 'allowedNetwork', enabled: false, allowedNetwork: '' as 'private-only' }))
      .then([ev({ policy: 'allowedNetwork', enabled: false, allowedNetwork: 'private-only' })]);
    spec
      .given([])
      .when(set({ policy: 'allowedNetwork', enabled: false }))
      .then([ev({ policy: 'allowedNetwork', enabled: false, allowedNetwork: 'public-and-private' })]);
    spec
      .given([ev({ policy: 'allowedNetwork', enabled: true, allowedNetwork: 'public-and-private' })])
      .when(set({ policy: 'allowedNetwork', enabled: false, allowedNetwork: 'private-only' }))
      .then([ev({ policy: 'allowedNetwork', enabled: false, allowedNetwork: 'private-only' })]);
    spec
      .given([])
      .when(set({ policy: 'allowedNetwork', enabled: false, allowedNetwork: 'nowhere' as 'private-only' }))
      .thenThrows('INVALID_FIELD_ERR');
    spec
      .given([ev({ policy: 'allowedIP', enabled: true, ipAddresses: ['10.0.0.0/8'] })])
      .when(set({ policy: 'allowedIP', enabled: false, ipAddresses: [] }))
      .then([ev({ policy: 'allowedIP', enabled: false, ipAddresses: [] })]);
    spec
      .given([])
      .when(
        set({
          policy: 'keyCreateImportAccess',
          enabled: false,
          attributes: { ...defaults, createRootKey: false },
        }),
      )
      .then([ev({ policy: 'keyCreateImportAccess', enabled: false, attributes: defaults })]);
  });
  it('keyCreateImportAccess fills Key Protect defaults; the same policy twice in one request is refused', () => {
    spec
      .given([])
      .when(set({ policy: 'keyCreateImportAccess', enabled: true }))
      .then([
        ev({
          policy: 'keyCreateImportAccess',
          enabled: true,
          attributes: {
            createRootKey: true,
            createStandardKey: true,
            importRootKey: true,
            importStandardKey: true,
            enforceToken: false,
          },
        }),
      ]);
    spec
      .given([])
      .when(set({ policy: 'metrics', enabled: true }, { policy: 'metrics', enabled: false }))
      .thenThrows('BAD_BODY_ERR');
  });
  it('keeps creation and update bookkeeping, and the flat view drops disabled attribute policies', () => {
    spec
      .given([ev({ policy: 'allowedIP', enabled: true, ipAddresses: ['10.0.0.0/8'] })])
      .when(set({ policy: 'allowedIP', enabled: false }, { policy: 'rotation', enabled: true, intervalMonth: 3 }))
      .thenState((state) => {
        assert.equal(state.status, 'Configured');
        if (state.status !== 'Configured') return;
        assert.equal(state.policies.allowedIP?.creationDate, now);
        assert.deepEqual(toInstancePolicies(state.policies), {
          dualAuthDelete: { enabled: false },
          allowedIP: { enabled: false, ipAddresses: [] },
          rotation: { enabled: true, intervalMonth: 3 },
        });
      });
  });
});
