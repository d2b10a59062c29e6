import { describe, it } from 'node:test';
import { aliasIndexDecider, type AliasIndexEvent } from '../../../domain/aliases/alias-index.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

const spec = DeciderSpecification(aliasIndexDecider);
const now = '2025-01-01T00:00:00.000Z';
const meta = { time: now, principalId: 'p1' };
const claimed = (keyId: string): AliasIndexEvent => ({ type: 'AliasClaimed', data: { alias: 'kek', keyId }, meta });
const claim = (keyId: string, holderStillHoldsIt = true) =>
  ({ type: 'ClaimAlias', alias: 'kek', keyId, holderStillHoldsIt, now, principalId: 'p1' }) as const;

describe('alias index decider', () => {
  it('claims a free alias', () =>
    spec
      .given([])
      .when(claim('k1'))
      .then([claimed('k1')]));
  it('a second claim by the same key changes nothing', () =>
    spec
      .given([claimed('k1')])
      .when(claim('k1'))
      .thenNothingHappens());
  it('refuses an alias another key holds with DUPLICATE_ALIAS_ERR', () =>
    spec
      .given([claimed('k1')])
      .when(claim('k2'))
      .thenThrows('DUPLICATE_ALIAS_ERR'));
  it('takes over an alias whose holder no longer has it (purged)', () =>
    spec
      .given([claimed('k1')])
      .when(claim('k2', false))
      .then([claimed('k2')]));
  it('releases only for its holder', () => {
    spec
      .given([claimed('k1')])
      .when({ type: 'ReleaseAlias', alias: 'kek', keyId: 'k1', now, principalId: 'p1' })
      .then([{ type: 'AliasReleased', data: { alias: 'kek', keyId: 'k1' }, meta }]);
    spec
      .given([claimed('k1')])
      .when({ type: 'ReleaseAlias', alias: 'kek', keyId: 'k2', now, principalId: 'p1' })
      .thenNothingHappens();
    spec
      .given([])
      .when({ type: 'ReleaseAlias', alias: 'kek', keyId: 'k1', now, principalId: 'p1' })
      .thenNothingHappens();
  });
  it('after a release the alias is free for another key', () => {
    spec
      .given([claimed('k1'), { type: 'AliasReleased', data: { alias: 'kek', keyId: 'k1' }, meta }])
      .when(claim('k2'))
      .then([claimed('k2')]);
  });
});
