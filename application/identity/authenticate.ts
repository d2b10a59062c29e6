import { loadState } from '../command-handler.ts';
import { TtlCache } from '../ttl-cache.ts';
import { unauthorized } from '../errors.ts';
import type { AppServices } from '../services.ts';
import { apiKeyAggregate, apiKeyStreamId } from './api-key-aggregate.ts';
import { principalAggregate, principalStreamId } from './principal-aggregate.ts';
import { bearerToken, TokenRejectedError, type TokenVerifier } from './tokens.ts';

export interface Caller {
  readonly principalId: string;
  /** The service administrator holds every role on every instance (README "The local server"). */
  readonly admin: boolean;
}

/**
 * How long a positive lookup of an API key or principal is trusted. A revoked key stops working,
 * live tokens included, at once in the process that revoked it and within this bound in every other
 * (README "Access control", Bounds).
 */
const AUTH_CACHE_TTL_MS = 2000;

/** Authenticates bearer tokens, with a bounded cache in front of the store (authorization: application/access). */
export class Authenticator {
  private readonly callers: TtlCache<Caller | null>;

  constructor(
    private readonly services: AppServices,
    readonly verifier: TokenVerifier,
    maxEntries = 10_000,
  ) {
    // Emptied by every append of this process: a key revoked or a principal deleted here stops at once here.
    this.callers = new TtlCache<Caller | null>(services.store, AUTH_CACHE_TTL_MS, maxEntries);
  }

  /** The caller behind `Authorization: Bearer ...`, or 401. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    const token = bearerToken(authorization);
    if (token === undefined) throw unauthorized();
    const nowMs = this.services.now().getTime();
    let claims;
    try {
      claims = await this.verifier.verify(token, nowMs);
    } catch (error) {
      if (error instanceof TokenRejectedError) throw unauthorized();
      throw error;
    }
    const cacheKey = `${claims.sub}:${claims.akh}`;
    const caller = await this.callers.get(cacheKey, nowMs, () => this.lookUp(claims.sub, claims.akh));
    if (!caller) throw unauthorized();
    return caller;
  }

  private async lookUp(principalId: string, keyHash: string): Promise<Caller | null> {
    const { state: key } = await loadState(this.services.store, apiKeyAggregate, apiKeyStreamId(keyHash));
    if (key.status !== 'Active' || key.principalId !== principalId) return null;
    const { state: principal } = await loadState(
      this.services.store,
      principalAggregate,
      principalStreamId(principalId),
    );
    if (principal.status !== 'Active') return null;
    return { principalId, admin: principal.admin };
  }
}
