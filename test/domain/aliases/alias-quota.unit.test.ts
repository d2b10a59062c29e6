import { describe, it } from 'node:test';
import { aliasQuotaDecider, type AliasQuotaEvent } from '../../../domain/aliases/alias-quota.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

const spec = DeciderSpecification(aliasQuotaDecider);
const now = '2025-01-01T00:00:00.000Z';
const meta = { time: now, principalId: 'p1' };
const taken = (count: number): AliasQuotaEvent => ({ type: 'AliasQuotaTaken', data: { count }, meta });
const returned = (count: number): AliasQuotaEvent => ({ type: 'AliasQuotaReturned', data: { count }, meta });
const take = (count: number) => ({ type: 'TakeAliasQuota', count, now, principalId: 'p1' }) as const;
const give = (count: number) => ({ type: 'ReturnAliasQuota', count, now, principalId: 'p1' }) as const;

describe('alias quota decider (1,000 aliases per instance)', () => {
  it('takes slots up to 1,000 in all', () => {
    spec
      .given([])
      .when(take(5))
      .then([taken(5)]);
    spec
      .given([taken(995)])
      .when(take(5))
      .then([taken(5)]);
  });
  it('refuses what would pass 1,000 with KEY_ALIAS_QUOTA_ERR, even part of it', () => {
    spec
      .given([taken(1000)])
      .when(take(1))
      .thenThrows('KEY_ALIAS_QUOTA_ERR');
    spec
      .given([taken(998)])
      .when(take(3))
      .thenThrows('KEY_ALIAS_QUOTA_ERR');
  });
  it('a returned slot can be taken again, once', () => {
    spec
      .given([taken(1000), returned(1)])
      .when(take(1))
      .then([taken(1)]);
    spec
      .given([taken(1000), returned(1), taken(1)])
      .when(take(1))
      .thenThrows('KEY_ALIAS_QUOTA_ERR');
  });
  it('taking or returning nothing changes nothing', () => {
    spec
      .given([taken(1000)])
      .when(take(0))
      .thenNothingHappens();
    spec.given([]).when(give(0)).thenNothingHappens();
  });
  it('never counts below zero (aliases claimed before the quota was kept are released uncounted)', () => {
    spec
      .given([taken(2), returned(5)])
      .when(take(1000))
      .then([taken(1000)]);
  });
});
