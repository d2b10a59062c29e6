import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EventStamp } from '../keys/events.ts';

/**
 * An instance's import token (secure import): one stream per instance, `import-token:<instanceId>`.
 * Key Protect keeps one token per instance; a new one replaces the old. The RSA key pair lives in
 * the HSM (its id arrives in the command); the application destroys it once the token is retired.
 *
 * Rules (SDK postImportToken/getImportToken, create-import-tokens.md): `expiration` 300..86400 s
 * (default 600), `maxAllowedRetrievals` 1..500 (default 1). A GET counts a retrieval; past the
 * expiration or the last retrieval the token cannot be retrieved. Key material encrypted with it
 * can be imported until it expires; the token is retired once it expired, or once it was used
 * after its last retrieval.
 */
export const IMPORT_TOKEN_LIMITS = {
  minExpirationS: 300,
  maxExpirationS: 86400,
  defaultExpirationS: 600,
  maxRetrievals: 500,
  defaultRetrievals: 1,
} as const;

export interface ImportTokenFacts {
  readonly keyPairId: string;
  /** SubjectPublicKeyInfo DER, base64. */
  readonly publicKey: string;
  /** Base64 of the random nonce the importer encrypts to prove possession of the material. */
  readonly nonce: string;
  readonly creationDate: string;
  readonly expirationDate: string;
  readonly expiration: number;
  readonly maxAllowedRetrievals: number;
  readonly remainingRetrievals: number;
  readonly createdBy: string;
}

export type ImportTokenState =
  | { readonly status: 'Absent' }
  | ({ readonly status: 'Active' } & ImportTokenFacts)
  | ({ readonly status: 'Retired'; readonly reason: 'expired' | 'usedUp' } & ImportTokenFacts);

interface Context {
  readonly now: string;
  readonly principalId: string;
}

export interface CreateImportToken extends Context {
  readonly type: 'CreateImportToken';
  readonly keyPairId: string;
  readonly publicKey: string;
  readonly nonce: string;
  readonly expiration: number;
  readonly maxAllowedRetrievals: number;
}

export interface RetrieveImportToken extends Context {
  readonly type: 'RetrieveImportToken';
}
/** A secure import with this token succeeded (the application verified the nonce). */
export interface UseImportToken extends Context {
  readonly type: 'UseImportToken';
}
/** Retires an expired token (the application then destroys its key pair); nothing otherwise. */
export interface RetireImportToken extends Context {
  readonly type: 'RetireImportToken';
}

export type ImportTokenCommand = CreateImportToken | RetrieveImportToken | UseImportToken | RetireImportToken;

type E<T extends string, D> = { readonly type: T; readonly data: D; readonly meta: EventStamp };
export type ImportTokenEvent =
  | E<
      'ImportTokenCreated',
      {
        readonly keyPairId: string;
        readonly publicKey: string;
        readonly nonce: string;
        readonly expiration: number;
        readonly maxAllowedRetrievals: number;
        readonly expirationDate: string;
      }
    >
  | E<'ImportTokenRetrieved', Readonly<Record<string, never>>>
  | E<'ImportTokenUsed', Readonly<Record<string, never>>>
  | E<'ImportTokenRetired', { readonly reason: 'expired' | 'usedUp'; readonly keyPairId: string }>;

export function isExpired(token: ImportTokenFacts, now: string): boolean {
  return Date.parse(token.expirationDate) <= Date.parse(now);
}

const stamp = (c: Context): EventStamp => ({ time: c.now, principalId: c.principalId });

function notFound(): DomainError {
  return new DomainError(
    'IMPORT_TOKEN_NOT_FOUND_ERR',
    'No import token exists for this instance: create one with POST /api/v2/import_token',
  );
}

function expired(): DomainError {
  return new DomainError('IMPORT_TOKEN_EXPIRED_ERR', 'The import token has expired');
}

function create(command: CreateImportToken): ImportTokenEvent[] {
  const { minExpirationS, maxExpirationS, maxRetrievals } = IMPORT_TOKEN_LIMITS;
  if (
    !Number.isInteger(command.expiration) ||
    command.expiration < minExpirationS ||
    command.expiration > maxExpirationS
  ) {
    throw new DomainError(
      'INVALID_FIELD_ERR',
      `The field 'expiration' must be: an integer from ${minExpirationS} to ${maxExpirationS}`,
    );
  }
  if (
    !Number.isInteger(command.maxAllowedRetrievals) ||
    command.maxAllowedRetrievals < 1 ||
    command.maxAllowedRetrievals > maxRetrievals
  ) {
    throw new DomainError(
      'INVALID_FIELD_ERR',
      `The field 'maxAllowedRetrievals' must be: an integer from 1 to ${maxRetrievals}`,
    );
  }
  const expirationDate = new Date(Date.parse(command.now) + command.expiration * 1000).toISOString();
  return [
    {
      type: 'ImportTokenCreated',
      data: {
        keyPairId: command.keyPairId,
        publicKey: command.publicKey,
        nonce: command.nonce,
        expiration: command.expiration,
        maxAllowedRetrievals: command.maxAllowedRetrievals,
        expirationDate,
      },
      meta: stamp(command),
    },
  ];
}

function retrieve(command: RetrieveImportToken, state: ImportTokenState): ImportTokenEvent[] {
  if (state.status === 'Absent') throw notFound();
  if (state.status === 'Retired' ? state.reason === 'expired' : isExpired(state, command.now)) throw expired();
  if (state.status === 'Retired' || state.remainingRetrievals === 0) {
    throw new DomainError(
      'IMPORT_TOKEN_RETRIEVALS_ERR',
      'The import token has reached its maxAllowedRetrievals: create a new one',
    );
  }
  return [{ type: 'ImportTokenRetrieved', data: {}, meta: stamp(command) }];
}

function use(command: UseImportToken, state: ImportTokenState): ImportTokenEvent[] {
  if (state.status === 'Absent') throw notFound();
  if (state.status === 'Retired')
    throw state.reason === 'expired'
      ? expired()
      : new DomainError('IMPORT_TOKEN_RETRIEVALS_ERR', 'The import token is used up: create a new one');
  if (isExpired(state, command.now)) throw expired();
  const used: ImportTokenEvent = { type: 'ImportTokenUsed', data: {}, meta: stamp(command) };
  if (state.remainingRetrievals > 0) return [used];
  return [
    used,
    { type: 'ImportTokenRetired', data: { reason: 'usedUp', keyPairId: state.keyPairId }, meta: stamp(command) },
  ];
}

function retire(command: RetireImportToken, state: ImportTokenState): ImportTokenEvent[] {
  if (state.status !== 'Active' || !isExpired(state, command.now)) return [];
  return [
    { type: 'ImportTokenRetired', data: { reason: 'expired', keyPairId: state.keyPairId }, meta: stamp(command) },
  ];
}

export const importTokenDecider: Decider<ImportTokenState, ImportTokenCommand, ImportTokenEvent> = {
  initialState: () => ({ status: 'Absent' }),
  decide(command, state) {
    switch (command.type) {
      case 'CreateImportToken':
        return create(command);
      case 'RetrieveImportToken':
        return retrieve(command, state);
      case 'UseImportToken':
        return use(command, state);
      case 'RetireImportToken':
        return retire(command, state);
      default: {
        const unhandled: never = command;
        throw new Error(`unhandled command ${String((unhandled as { type?: unknown }).type)}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ImportTokenCreated': {
        const { expiration, maxAllowedRetrievals, expirationDate, keyPairId, publicKey, nonce } = event.data;
        return {
          status: 'Active',
          keyPairId,
          publicKey,
          nonce,
          expiration,
          maxAllowedRetrievals,
          expirationDate,
          remainingRetrievals: maxAllowedRetrievals,
          creationDate: event.meta.time,
          createdBy: event.meta.principalId,
        };
      }
      case 'ImportTokenRetrieved':
        return state.status === 'Active'
          ? { ...state, remainingRetrievals: Math.max(0, state.remainingRetrievals - 1) }
          : state;
      case 'ImportTokenUsed':
        return state;
      case 'ImportTokenRetired':
        return state.status === 'Active' ? { ...state, status: 'Retired', reason: event.data.reason } : state;
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled event ${String((unhandled as { type?: unknown }).type)}`);
      }
    }
  },
};
