import type { Binding } from '../../domain/access/bindings.ts';
import { decideAccess, type ListingFilter } from '../../domain/access/authorize.ts';
import { KEY_PAYLOAD_RULE, KEY_RING_MOVE_RULE, type OperationRule } from '../../domain/access/roles.ts';
import { networkAllows, type NetworkPolicy } from '../../domain/access/network.ts';
import { loadState } from '../command-handler.ts';
import { ApplicationError, unauthorized } from '../errors.ts';
import type { Caller } from '../identity/authenticate.ts';
import { instanceAggregate, instanceStreamId } from '../identity/instance-aggregate.ts';
import { loadInstancePolicies } from '../instances/instance-policies.ts';
import { findKey } from '../keys/find-key.ts';
import type { AppServices } from '../services.ts';
import { accessAggregate, accessStreamId } from './access-aggregate.ts';
import { AccessDeniedError, RateLimitedError } from './errors.ts';
import { RateLimiter } from './rate-limiter.ts';
import { TtlCache } from '../ttl-cache.ts';

/**
 * How long access control trusts what it read: instances, bindings, network policies and the key
 * ring of a key. A revoked binding or a changed policy takes effect at once in the process that made
 * it (every append empties the caches), and within this bound in every other (README "Access control",
 * Bounds; the same bound holds per Lambda environment).
 */
const ACCESS_CACHE_TTL_MS = 2000;

interface AuthorizeInput {
  readonly caller: Caller;
  /** The `bluemix-instance` header. */
  readonly instanceId: string | undefined;
  /** The Key Protect SDK operation name of the route. */
  readonly operation: string;
  /** The operation's least role and target (functions/api/operations.ts). */
  readonly rule: OperationRule;
  /** The key id or alias of the path, if the route names one. */
  readonly keyId?: string | undefined;
  /** The key ring of the path, or of `x-kms-key-ring` (where a new key goes). */
  readonly keyRingId?: string | undefined;
  /** The address the request came from (API Gateway's requestContext.http.sourceIp). */
  readonly sourceIp: string;
}

/** What the caller may do in the instance for this request; `filter` restricts a listing. */
export interface AccessGrant {
  readonly instanceId: string;
  readonly filter?: ListingFilter | undefined;
}

/** Key Protect puts keys without `x-kms-key-ring` in the ring named `default`. */
const DEFAULT_KEY_RING = 'default';

/**
 * Authorization of every `/api/v2` request: the instance exists, the source address passes the
 * instance's network policies, a role of the caller covers the operation on its target (the service
 * administrator holds every role), and the instance is within its rate limit. Every refusal is the
 * same 401 UNAUTHORIZED_ERR, whatever its cause, so nothing about other keys or instances leaks.
 */
export class Authorizer {
  private readonly instances: TtlCache<boolean>;
  private readonly bindings: TtlCache<readonly Binding[]>;
  private readonly policies: TtlCache<NetworkPolicy>;
  private readonly limiter: RateLimiter;

  constructor(private readonly services: AppServices) {
    // Emptied by every append of this process: a grant, revocation or policy change made here counts at once here.
    this.instances = new TtlCache(services.store, ACCESS_CACHE_TTL_MS);
    this.bindings = new TtlCache(services.store, ACCESS_CACHE_TTL_MS);
    this.policies = new TtlCache(services.store, ACCESS_CACHE_TTL_MS);
    this.limiter = new RateLimiter(services.settings.rateLimitRps);
  }

  async authorize(input: AuthorizeInput): Promise<AccessGrant> {
    const instanceId = input.instanceId;
    if (!instanceId) throw new ApplicationError('BAD_REQUEST_ERR', 'Bad Request: bluemix-instance header is required');
    const nowMs = this.services.now().getTime();
    const exists = await this.instances.get(instanceId, nowMs, async () => {
      const { state } = await loadState(this.services.store, instanceAggregate, instanceStreamId(instanceId));
      return state.status === 'Active';
    });
    if (!exists) throw unauthorized();

    const policy = await this.policies.get(instanceId, nowMs, async () => {
      const p = await loadInstancePolicies(this.services, instanceId);
      return { allowedIP: p.allowedIP, allowedNetwork: p.allowedNetwork };
    });
    // The administrator may always fix the instance policies, so a bad allowedIP list cannot lock the instance for good.
    const policyEscape =
      input.caller.admin && (input.operation === 'putInstancePolicy' || input.operation === 'getInstancePolicy');
    // Key Protect: calls to the allowed IP port "bypass allowed IP policy enforcement" (manage-allowed-ip).
    const network = input.operation === 'getAllowedIpPort' ? { ...policy, allowedIP: undefined } : policy;
    if (!policyEscape && !networkAllows(network, input.sourceIp)) throw new AccessDeniedError(instanceId);

    const grant = input.caller.admin ? { instanceId } : await this.decide(instanceId, input, nowMs);

    const wait = this.limiter.take(instanceId, nowMs);
    if (wait > 0) throw new RateLimitedError(instanceId, wait);
    return grant;
  }

  /**
   * The ring a key moves to, a second target of `patchKey` named only in its body: the caller needs
   * KEY_RING_MOVE_RULE there too (401 UNAUTHORIZED_ERR otherwise, as every refusal). Called after
   * {@link authorize} has admitted the request.
   */
  async authorizeMoveTarget(caller: Caller, instanceId: string, keyRingId: string): Promise<void> {
    if (caller.admin) return;
    const mine = await this.bindingsOf(instanceId, caller.principalId, this.services.now().getTime());
    if (!decideAccess(mine, { rule: KEY_RING_MOVE_RULE, keyRingId }).allowed) throw new AccessDeniedError(instanceId);
  }

  private async bindingsOf(instanceId: string, principalId: string, nowMs: number): Promise<readonly Binding[]> {
    const all = await this.bindings.get(instanceId, nowMs, async () => {
      const { state } = await loadState(this.services.store, accessAggregate, accessStreamId(instanceId));
      return state.status === 'Bound' ? Object.values(state.bindings) : [];
    });
    return all.filter((b) => b.principalId === principalId);
  }

  private async decide(instanceId: string, input: AuthorizeInput, nowMs: number): Promise<AccessGrant> {
    const rule = input.rule;
    const mine = await this.bindingsOf(instanceId, input.caller.principalId, nowMs);
    if (mine.length === 0) throw new AccessDeniedError(instanceId);
    const keyRingId = input.keyRingId || DEFAULT_KEY_RING;

    let decision = decideAccess(mine, { rule, keyRingId });
    let key: { keyId: string; keyRingId: string; standard: boolean } | null | undefined;
    if (!decision.allowed && input.keyId) {
      key = await this.key(instanceId, input.keyId);
      decision = decideAccess(mine, { rule, keyRingId, key: key ?? undefined });
    }
    if (!decision.allowed) throw new AccessDeniedError(instanceId);

    // A standard key's payload needs ReaderPlus; a root key's metadata needs only Reader.
    if (input.operation === 'getKey' && input.keyId && !decideAccess(mine, { rule: KEY_PAYLOAD_RULE }).allowed) {
      key ??= await this.key(instanceId, input.keyId);
      if (key?.standard && !decideAccess(mine, { rule: KEY_PAYLOAD_RULE, key }).allowed)
        throw new AccessDeniedError(instanceId);
    }
    return { instanceId, filter: decision.filter };
  }

  /**
   * The key `id` (an id or alias) of the instance with its ring, or null when the instance has no such
   * key. findKey keeps key states in the hot path's cache, so this costs no extra store read.
   */
  private async key(
    instanceId: string,
    id: string,
  ): Promise<{ keyId: string; keyRingId: string; standard: boolean } | null> {
    try {
      const key = await findKey(this.services, instanceId, id);
      return { keyId: key.keyId, keyRingId: key.keyRingId, standard: key.extractable };
    } catch (error) {
      if (error instanceof ApplicationError && error.code === 'KEY_NOT_FOUND_ERR') return null;
      throw error;
    }
  }
}
