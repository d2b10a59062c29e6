import { createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import type { Hsm } from '../ports/hsm.ts';

/**
 * IBM IAM-compatible access tokens: ES256 JWTs signed by a P-256 key that lives in the HSM
 * (non-extractable); verifiers need only its public key. Signing happens once per token exchange,
 * verification on every request, in process.
 */
export const SIGNING_KEY_LABEL = 'keyledger-token-signing-1';
export const TOKEN_LIFETIME_S = 3600;
const ISSUER = 'keyledger';

interface TokenClaims {
  readonly sub: string;
  /** SHA-256 of the API key the token was issued for, so revoking the key stops its tokens. */
  readonly akh: string;
  readonly iat: number;
  readonly exp: number;
  readonly iss: string;
  readonly jti: string;
}

export interface IssuedToken {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly expiration: number;
}

const b64url = (data: Uint8Array | string): string => Buffer.from(data).toString('base64url');

/** Signs a token with the signing key `kid` (its HSM label; default: the first key, before any rotation). */
export async function signToken(
  hsm: Hsm,
  principalId: string,
  apiKeyHash: string,
  nowMs: number,
  kid: string = SIGNING_KEY_LABEL,
): Promise<IssuedToken> {
  const iat = Math.floor(nowMs / 1000);
  const claims: TokenClaims = {
    sub: principalId,
    akh: apiKeyHash,
    iat,
    exp: iat + TOKEN_LIFETIME_S,
    iss: ISSUER,
    jti: randomUUID(),
  };
  const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
  const signature = await hsm.sign(kid, Buffer.from(signingInput, 'ascii'));
  return {
    access_token: `${signingInput}.${b64url(signature)}`,
    token_type: 'Bearer',
    expires_in: TOKEN_LIFETIME_S,
    expiration: claims.exp,
  };
}

/**
 * Verifies tokens against the public halves of the signing keys, by `kid`.
 *
 * An ES256 verification costs ~170 µs of CPU (measured, bench/), more than everything else a wrap
 * does, and a client sends the same token for up to an hour: so tokens that verified are
 * remembered, by their exact text, in a bounded map. A hit still checks expiry; revocation is the
 * authenticator's job (it re-reads the API key within its cache lifetime), not the signature's.
 */
export class TokenVerifier {
  private readonly keys = new Map<string, { readonly key: KeyObject; readonly untilMs: number }>();
  private readonly verified = new Map<string, TokenClaims>();

  constructor(private readonly maxVerified = 10_000) {}

  /**
   * Trusts `kid` for signatures checked before `untilMs` (a retired signing key: until the last
   * token it signed has expired; a remembered token never outlives its own `exp` either).
   */
  addKey(kid: string, spkiDer: Uint8Array, untilMs = Number.POSITIVE_INFINITY): void {
    this.keys.set(kid, { key: createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }), untilMs });
    this.verified.clear();
  }

  knows(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** The token's claims, or null when it is malformed, forged, from another issuer or expired. */
  verify(token: string, nowMs: number): TokenClaims | null {
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (known.exp * 1000 > nowMs) return known;
      this.verified.delete(token);
      return null;
    }
    const claims = this.verifySignature(token, nowMs);
    if (claims !== null) {
      if (this.verified.size >= this.maxVerified) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, claims);
    }
    return claims;
  }

  private verifySignature(token: string, nowMs: number): TokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [h, p, s] = parts as [string, string, string];
    let header: unknown, claims: unknown;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (!isRecord(header) || header.alg !== 'ES256' || typeof header.kid !== 'string') return null;
    const entry = this.keys.get(header.kid);
    if (!entry || entry.untilMs <= nowMs) return null;
    const key = entry.key;
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${p}`, 'ascii'),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    );
    if (!ok || !isClaims(claims) || claims.iss !== ISSUER) return null;
    if (claims.exp * 1000 <= nowMs) return null;
    return claims;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isClaims(v: unknown): v is TokenClaims {
  return (
    isRecord(v) &&
    typeof v.sub === 'string' &&
    typeof v.akh === 'string' &&
    typeof v.iat === 'number' &&
    typeof v.exp === 'number' &&
    typeof v.iss === 'string' &&
    typeof v.jti === 'string'
  );
}

/** The `kid` of a token's header, without verifying anything (to find the key to verify with). */
export function tokenKid(token: string): string | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return isRecord(header) && typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}
