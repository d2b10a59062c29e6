import type { KeyEvent } from './events.ts';
import {
  isExisting,
  type ExistingKey,
  type KeyFacts,
  type KeyPolicyRecord,
  type KeyPolicyType,
  type KeyState,
  type Registration,
  withNewVersion,
} from './state.ts';

/** The facts of an existing key, without its status (and a Destroyed key's deletion facts). */
function factsOf(key: ExistingKey): KeyFacts {
  if (key.status === 'Destroyed') {
    const { status: _status, deletionDate: _deletionDate, deletedBy: _deletedBy, ...facts } = key;
    return facts;
  }
  const { status: _status, ...facts } = key;
  return facts;
}

/** The same key with changed facts, keeping its status (and deletion facts). */
function withFacts(key: ExistingKey, time: string, change: Partial<KeyFacts>): ExistingKey {
  return { ...key, ...change, lastUpdateDate: time };
}

function changeRegistrations(
  registrations: readonly Registration[],
  event: Extract<KeyEvent, { type: 'RegistrationChanged' }>,
): Registration[] {
  const { change, crn, preventKeyDeletion, description } = event.data;
  const { time, principalId } = event.meta;
  switch (change) {
    case 'created':
      return [
        ...registrations,
        { crn, preventKeyDeletion, description, createdBy: principalId, creationDate: time, lastUpdateDate: time },
      ];
    case 'updated':
      return registrations.map((r) =>
        r.crn === crn ? { ...r, preventKeyDeletion, description, lastUpdateDate: time } : r,
      );
    case 'deleted':
      return registrations.filter((r) => r.crn !== crn);
    default: {
      const unhandled: never = change;
      return unhandled;
    }
  }
}

/** The record of a policy set at `time` by `principalId`: created then if it is new, else updated. */
function policyRecords(
  key: ExistingKey,
  policy: KeyPolicyType,
  time: string,
  principalId: string,
): KeyFacts['policyRecords'] {
  const before = key.policyRecords[policy];
  const record: KeyPolicyRecord = {
    createdBy: before?.createdBy ?? principalId,
    creationDate: before?.creationDate ?? time,
    updatedBy: principalId,
    lastUpdateDate: time,
  };
  return { ...key.policyRecords, [policy]: record };
}

/** Applies one event. Events that cannot happen in a state (the decider never emits them) leave it unchanged. */
export function evolve(state: KeyState, event: KeyEvent): KeyState {
  if (event.type === 'KeyCreated' || event.type === 'KeyImported') {
    if (state.status !== 'Absent') return state;
    const { version, ...created } = event.data;
    return {
      status: 'Active',
      ...created,
      imported: event.type === 'KeyImported',
      creationDate: event.meta.time,
      createdBy: event.meta.principalId,
      lastUpdateDate: event.meta.time,
      versionCount: 1,
      recentVersions: [version],
      aliases: [],
      registrations: [],
      policyRecords: created.dualAuthDelete
        ? {
            dualAuthDelete: {
              createdBy: event.meta.principalId,
              creationDate: event.meta.time,
              updatedBy: event.meta.principalId,
              lastUpdateDate: event.meta.time,
            },
          }
        : {},
    };
  }
  if (!isExisting(state)) return state;
  const time = event.meta.time;
  switch (event.type) {
    case 'KeyVersionRotated':
      return withFacts(state, time, {
        versionCount: state.versionCount + 1,
        recentVersions: withNewVersion(state, event.data.version),
      });
    case 'KeyDisabled':
      return { ...factsOf(state), status: 'Suspended', lastUpdateDate: time, lastStateChangeDate: time };
    case 'KeyEnabled':
      return { ...factsOf(state), status: 'Active', lastUpdateDate: time, lastStateChangeDate: time };
    case 'KeyExpired':
      return { ...factsOf(state), status: 'Deactivated', lastUpdateDate: time, lastStateChangeDate: time };
    case 'KeySetForDeletion':
      return withFacts(state, time, { deletionAuthorization: { principalId: event.meta.principalId, time } });
    case 'KeyUnsetForDeletion':
      return withFacts(state, time, { deletionAuthorization: undefined });
    case 'KeyDeleted':
      return {
        ...factsOf(state),
        status: 'Destroyed',
        lastUpdateDate: time,
        lastStateChangeDate: time,
        deletionAuthorization: undefined,
        deletionDate: time,
        deletedBy: event.meta.principalId,
      };
    case 'KeyRestored':
      return { ...factsOf(state), status: 'Active', lastUpdateDate: time, lastStateChangeDate: time };
    case 'KeyPurged':
      return {
        status: 'Purged',
        keyId: state.keyId,
        instanceId: state.instanceId,
        purgeDate: time,
        purgedBy: event.meta.principalId,
      };
    case 'KeyMovedToKeyRing':
      return withFacts(state, time, { keyRingId: event.data.toKeyRingId });
    case 'AliasAdded':
      return withFacts(state, time, { aliases: [...state.aliases, event.data.alias] });
    case 'AliasRemoved':
      return withFacts(state, time, { aliases: state.aliases.filter((a) => a !== event.data.alias) });
    case 'KeyPolicySet': {
      const d = event.data;
      const records = policyRecords(state, d.policy, time, event.meta.principalId);
      return d.policy === 'rotation'
        ? withFacts(state, time, {
            rotationPolicy: { enabled: d.enabled, intervalMonth: d.intervalMonth },
            policyRecords: records,
          })
        : withFacts(state, time, { dualAuthDelete: d.enabled, policyRecords: records });
    }
    case 'RegistrationChanged':
      return withFacts(state, time, { registrations: changeRegistrations(state.registrations, event) });
    case 'KeySynced':
      return withFacts(state, time, { lastSyncDate: time });
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
