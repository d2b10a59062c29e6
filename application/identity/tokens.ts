import { createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import type { Hsm } from '../../functions/crypto/hsm.ts';

/**
 * IBM IAM-compatible access tokens: ES256 JWTs signed by a P-256 key that lives in the HSM
 * (non-extractable); verifiers need only its public key. Signing happens once per token exchange,
 * verification on every request, in process.
 */
export const SIGNING_KEY_LABEL = 'keyledger-token-signing-1';
export const TOKEN_LIFETIME_S = 3600;
const ISSUER = 'keyledger';

export interface TokenClaims {
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

export async function signToken(hsm: Hsm, principalId: string, apiKeyHash: string, nowMs: number): Promise<IssuedToken> {
  const iat = Math.floor(nowMs / 1000);
  const claims: TokenClaims = { sub: principalId, akh: apiKeyHash, iat, exp: iat + TOKEN_LIFETIME_S, iss: ISSUER, jti: randomUUID() };
  const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: SIGNING_KEY_LABEL }))}.${b64url(JSON.stringify(claims))}`;
  const signature = await hsm.sign(SIGNING_KEY_LABEL, Buffer.from(signingInput, 'ascii'));
  return { access_token: `${signingInput}.${b64url(signature)}`, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, expiration: claims.exp };
}

/** Verifies tokens against the public halves of the signing keys, by `kid`. */
export class TokenVerifier {
  private readonly keys = new Map<string, KeyObject>();

  addKey(kid: string, spkiDer: Uint8Array): void {
    this.keys.set(kid, createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }));
  }

  /** The token's claims, or null when it is malformed, forged, from another issuer or expired. */
  verify(token: string, nowMs: number): TokenClaims | null {
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
    const key = this.keys.get(header.kid);
    if (!key) return null;
    const ok = verify('sha256', Buffer.from(`${h}.${p}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
    if (!ok || !isClaims(claims) || claims.iss !== ISSUER) return null;
    if (claims.exp * 1000 <= nowMs) return null;
    return claims;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isClaims(v: unknown): v is TokenClaims {
  return isRecord(v) && typeof v.sub === 'string' && typeof v.akh === 'string' && typeof v.iat === 'number'
    && typeof v.exp === 'number' && typeof v.iss === 'string' && typeof v.jti === 'string';
}
