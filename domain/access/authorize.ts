import type { Binding } from './bindings.ts';
import { roleAllows, type OperationRule } from './roles.ts';

/** What a request acts on, as far as access is concerned. */
export interface AccessTarget {
  /** The operation's least role and what it acts on. */
  readonly rule: OperationRule;
  /** The key acted on (resolved from an alias), with its ring; absent when no such key is visible. */
  readonly key?: { readonly keyId: string; readonly keyRingId: string } | undefined;
  /** The key ring acted on (`keyRing` operations). */
  readonly keyRingId?: string | undefined;
}

/** Which keys a listing may show a caller without instance-wide read: those in these rings, and these keys. */
export interface ListingFilter {
  readonly keyRingIds: readonly string[];
  readonly keyIds: readonly string[];
}

/** A decision; `filter` is set only for a listing by a caller whose bindings do not cover the whole instance. */
export type AccessDecision =
  { readonly allowed: false } | { readonly allowed: true; readonly filter?: ListingFilter | undefined };

const DENY: AccessDecision = { allowed: false };
const ALL: AccessDecision = { allowed: true };

/**
 * Decides one request of a principal from its bindings on the instance (pure: the application has
 * loaded the bindings and the key). Additive: any one binding that covers the target suffices.
 */
export function decideAccess(bindings: readonly Binding[], target: AccessTarget): AccessDecision {
  const rule = target.rule;
  const useful = bindings.filter((b) => roleAllows(b.role, rule));
  if (useful.some((b) => b.scope.kind === 'instance')) return ALL;
  switch (rule.target) {
    case 'instance':
      return DENY;
    case 'keyRing':
      return useful.some((b) => b.scope.kind === 'keyRing' && b.scope.keyRingId === target.keyRingId) ? ALL : DENY;
    case 'key': {
      const key = target.key;
      if (!key) return DENY;
      const covers = useful.some(
        (b) =>
          (b.scope.kind === 'keyRing' && b.scope.keyRingId === key.keyRingId) ||
          (b.scope.kind === 'key' && b.scope.keyId === key.keyId),
      );
      return covers ? ALL : DENY;
    }
    case 'collection': {
      if (useful.length === 0) return DENY;
      const keyRingIds = useful.flatMap((b) => (b.scope.kind === 'keyRing' ? [b.scope.keyRingId] : []));
      const keyIds = useful.flatMap((b) => (b.scope.kind === 'key' ? [b.scope.keyId] : []));
      return { allowed: true, filter: { keyRingIds: [...new Set(keyRingIds)], keyIds: [...new Set(keyIds)] } };
    }
    default: {
      const unhandled: never = rule.target;
      throw new Error(`unhandled target ${String(unhandled)}`);
    }
  }
}
