import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importTokenDecider, type ImportTokenEvent } from '../../../domain/import-tokens/import-token.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

const spec = DeciderSpecification(importTokenDecider);
const t0 = '2025-01-01T00:00:00.000Z';
const at = (s: number) => new Date(Date.parse(t0) + s * 1000).toISOString();
const meta = (time = t0) => ({ time, principalId: 'p1' });
const created = (maxAllowedRetrievals = 1, expiration = 600): ImportTokenEvent => ({
  type: 'ImportTokenCreated',
  data: {
    keyPairId: 'kp1',
    publicKey: 'pk',
    nonce: 'n',
    expiration,
    maxAllowedRetrievals,
    expirationDate: at(expiration),
  },
  meta: meta(),
});
const retrieved: ImportTokenEvent = { type: 'ImportTokenRetrieved', data: {}, meta: meta() };
const create = (expiration: number, maxAllowedRetrievals: number) =>
  ({
    type: 'CreateImportToken',
    keyPairId: 'kp1',
    publicKey: 'pk',
    nonce: 'n',
    expiration,
    maxAllowedRetrievals,
    now: t0,
    principalId: 'p1',
  }) as const;

describe('import token decider', () => {
  it('creates a token: expiration 300..86400 s, maxAllowedRetrievals 1..500', () => {
    spec.given([]).when(create(600, 1)).then([created()]);
    spec.given([]).when(create(299, 1)).thenThrows('INVALID_FIELD_ERR');
    spec.given([]).when(create(86401, 1)).thenThrows('INVALID_FIELD_ERR');
    spec.given([]).when(create(600, 0)).thenThrows('INVALID_FIELD_ERR');
    spec.given([]).when(create(600, 501)).thenThrows('INVALID_FIELD_ERR');
  });
  it('counts retrievals and refuses past the last one', () => {
    spec
      .given([created(2)])
      .when({ type: 'RetrieveImportToken', now: at(1), principalId: 'p1' })
      .thenState((s) => assert.equal(s.status === 'Active' && s.remainingRetrievals, 1));
    spec
      .given([created(1), retrieved])
      .when({ type: 'RetrieveImportToken', now: at(1), principalId: 'p1' })
      .thenThrows('IMPORT_TOKEN_RETRIEVALS_ERR');
  });
  it('refuses retrieval and use once expired, and with no token', () => {
    spec
      .given([created()])
      .when({ type: 'RetrieveImportToken', now: at(600), principalId: 'p1' })
      .thenThrows('IMPORT_TOKEN_EXPIRED_ERR');
    spec
      .given([created()])
      .when({ type: 'UseImportToken', now: at(601), principalId: 'p1' })
      .thenThrows('IMPORT_TOKEN_EXPIRED_ERR');
    spec
      .given([])
      .when({ type: 'RetrieveImportToken', now: t0, principalId: 'p1' })
      .thenThrows('IMPORT_TOKEN_NOT_FOUND_ERR');
    spec
      .given([])
      .when({ type: 'UseImportToken', now: t0, principalId: 'p1' })
      .thenThrows('IMPORT_TOKEN_NOT_FOUND_ERR');
  });
  it('a use after the last retrieval retires the token (its key pair is then destroyed)', () => {
    spec
      .given([created(1), retrieved])
      .when({ type: 'UseImportToken', now: at(5), principalId: 'p1' })
      .then([
        { type: 'ImportTokenUsed', data: {}, meta: meta(at(5)) },
        { type: 'ImportTokenRetired', data: { reason: 'usedUp', keyPairId: 'kp1' }, meta: meta(at(5)) },
      ]);
    spec
      .given([created(2), retrieved])
      .when({ type: 'UseImportToken', now: at(5), principalId: 'p1' })
      .then([{ type: 'ImportTokenUsed', data: {}, meta: meta(at(5)) }]);
  });
  it('retires an expired token once; an active or absent one is left alone', () => {
    spec
      .given([created()])
      .when({ type: 'RetireImportToken', now: at(600), principalId: 'p1' })
      .then([{ type: 'ImportTokenRetired', data: { reason: 'expired', keyPairId: 'kp1' }, meta: meta(at(600)) }]);
    spec
      .given([created()])
      .when({ type: 'RetireImportToken', now: at(599), principalId: 'p1' })
      .thenNothingHappens();
    spec
      .given([])
      .when({ type: 'RetireImportToken', now: at(599), principalId: 'p1' })
      .thenNothingHappens();
    spec
      .given([
        created(),
        { type: 'ImportTokenRetired', data: { reason: 'expired', keyPairId: 'kp1' }, meta: meta(at(600)) },
      ])
      .when({ type: 'UseImportToken', now: at(601), principalId: 'p1' })
      .thenThrows('IMPORT_TOKEN_EXPIRED_ERR');
  });
  it('a new token replaces the previous one', () => {
    spec
      .given([created(1), retrieved])
      .when(create(900, 5))
      .thenState((s) => assert.equal(s.status === 'Active' && s.remainingRetrievals, 5));
  });
});
