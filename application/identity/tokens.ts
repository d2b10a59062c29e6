import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Hsm } from '../ports/hsm.ts';

/**
 * IBM IAM-compatible access tokens: ES256 JWTs signed by a P-256 key that lives in the HSM
 * (non-extractable). Signing happens once per token exchange, in the HSM; verification on every
 * request, in process, by the one verifier below (the local server, the API functions and the Lambda
 * authorizer all use it; only where its keys come from differs).
 */
export const SIGNING_KEY_LABEL = 'keyledger-token-signing-1';
export const TOKEN_LIFETIME_S = 3600;
/** The `aud` of every token: this service's API. */
export const TOKEN_AUDIENCE = 'keyledger-api';
/** Clock skew tolerated between the signer and a verifier, on `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE_S = 30;

/** Where tokens come from: `iss` of every token, checked on every token (KEYLEDGER_TOKEN_ISSUER). */
export interface TokenRules {
  readonly issuer: string;
}

/** `KEYLEDGER_TOKEN_ISSUER`, default `keyledger` (the CDK stack sets its API's URL). */
export function tokenRulesFromEnv(env: NodeJS.ProcessEnv = process.env): TokenRules {
  const issuer = env.KEYLEDGER_TOKEN_ISSUER;
  return { issuer: issuer === undefined || issuer === '' ? 'keyledger' : issuer };
}

export interface TokenClaims {
  readonly sub: string;
  /** SHA-256 of the API key the token was issued for, so revoking the key stops its tokens. */
  readonly akh: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly iss: string;
  readonly aud: string;
  readonly jti: string;
}

export interface IssuedToken {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly expiration: number;
}

const b64url = (data: Uint8Array | string): string => Buffer.from(data).toString('base64url');

/** The order of P-256 (n), for the low-S form of signatures. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_ORDER = P256_ORDER >> 1n;

function sOf(signature: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(signature.subarray(32, 64)).toString('hex')}`);
}

/**
 * ECDSA signatures are malleable: (r, s) and (r, n - s) both verify. Tokens are issued with the low
 * one and only the low one is accepted, so a token has exactly one valid text (hand-written: neither
 * the HSM nor jose normalises or checks it).
 */
function lowS(signature: Uint8Array): Uint8Array {
  const s = sOf(signature);
  if (s <= HALF_ORDER) return signature;
  const out = Buffer.from(signature);
  Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex').copy(out, 32);
  return out;
}

/** Signs a token with the signing key `kid` (its HSM label; default: the first key, before any rotation). */
export async function signToken(
  hsm: Hsm,
  rules: TokenRules,
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
    nbf: iat,
    exp: iat + TOKEN_LIFETIME_S,
    iss: rules.issuer,
    aud: TOKEN_AUDIENCE,
    jti: randomUUID(),
  };
  const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
  const signature = lowS(await hsm.sign(kid, Buffer.from(signingInput, 'ascii')));
  return {
    access_token: `${signingInput}.${b64url(signature)}`,
    token_type: 'Bearer',
    expires_in: TOKEN_LIFETIME_S,
    expiration: claims.exp,
  };
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750's b64token), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization?.trim() ?? '')?.[1];
}

/** A token that is not accepted; `reason` is for logs and never contains the token. */
export class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`token rejected: ${reason}`);
    this.name = 'TokenRejectedError';
  }
}

/** A public key that verifies tokens of `kid` until `untilMs` (a retired key: until its last token has expired). */
export interface VerificationKey {
  readonly kid: string;
  /** SPKI DER, or a key object. */
  readonly publicKey: Uint8Array | KeyObject;
  readonly untilMs: number;
}

/** Every key that may verify tokens now; the verifier calls it again to learn rotations and retirements. */
export type VerificationKeySource = () => Promise<readonly VerificationKey[]>;

interface TrustedKey {
  readonly key: KeyObject;
  readonly untilMs: number;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Base64url as RFC 7515 writes it: no padding, no other characters, no stray bits in the last character. */
function canonicalBase64url(segment: string): Buffer | undefined {
  if (!SEGMENT.test(segment)) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : undefined;
}

function isClaims(payload: Record<string, unknown>): payload is Record<string, unknown> & TokenClaims {
  return typeof payload.sub === 'string' && payload.sub !== '' && typeof payload.akh === 'string';
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim}: ${error.reason}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not accepted';
  if (error instanceof joseErrors.JOSEError) return error.code;
  throw error;
}

/**
 * Verifies tokens with `jose` (`jwtVerify`): ES256 only, `typ: JWT`, `iss` and `aud` always, `exp`, `nbf`
 * and `iat` (no older than a token's lifetime, not in the future) with {@link CLOCK_TOLERANCE_S} of skew,
 * by the key its `kid` names. Before jose sees a token, it must be in its one canonical text: canonical
 * base64url in every segment and a low-S signature, so one token cannot be spelled many ways.
 *
 * Keys come from a {@link VerificationKeySource}, read again when a token names a `kid` not known yet (at most
 * once a second: a key rotated in by another process) and at least every {@link KEYS_TTL_MS}, so a retired
 * key stops verifying at its `untilMs` in every process, a warm Lambda's included.
 *
 * An ES256 verification costs ~170 µs of CPU (bench/), more than everything else a wrap does, and a client
 * sends the same token for up to an hour: tokens that verified are remembered, by their exact (canonical)
 * text, in a bounded map. A hit still checks expiry and its key's validity; revocation is the
 * authenticator's job (it re-reads the API key within its cache lifetime), not the signature's.
 */
export class TokenVerifier {
  static readonly KEYS_TTL_MS = 60_000;
  private static readonly UNKNOWN_KID_REFRESH_MS = 1_000;

  private keys = new Map<string, TrustedKey>();
  private keysReadAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;
  private readonly verified = new Map<string, { readonly claims: TokenClaims; readonly kid: string }>();

  constructor(
    private readonly source: VerificationKeySource,
    readonly rules: TokenRules,
    private readonly maxVerified = 10_000,
  ) {}

  /** The token's claims; throws {@link TokenRejectedError}. */
  async verify(token: string, nowMs: number): Promise<TokenClaims> {
    if (nowMs - this.keysReadAt >= TokenVerifier.KEYS_TTL_MS) await this.readKeys(nowMs);
    const known = this.verified.get(token);
    if (known !== undefined) {
      if ((known.claims.exp + CLOCK_TOLERANCE_S) * 1000 > nowMs && this.usable(known.kid, nowMs)) return known.claims;
      this.verified.delete(token);
    }
    const { claims, kid } = await this.verifySignature(token, nowMs);
    if (this.verified.size >= this.maxVerified) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { claims, kid });
    return claims;
  }

  private usable(kid: string, nowMs: number): TrustedKey | undefined {
    const key = this.keys.get(kid);
    return key !== undefined && key.untilMs > nowMs ? key : undefined;
  }

  private readKeys(nowMs: number): Promise<void> {
    this.reading ??= this.source()
      .then((keys) => {
        this.keys = new Map(
          keys.map(({ kid, publicKey, untilMs }) => [
            kid,
            {
              key:
                publicKey instanceof Uint8Array
                  ? createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' })
                  : publicKey,
              untilMs,
            },
          ]),
        );
        this.keysReadAt = nowMs;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async verifySignature(token: string, nowMs: number): Promise<{ claims: TokenClaims; kid: string }> {
    const parts = token.split('.');
    const signature = parts.length === 3 ? canonicalBase64url(parts[2] ?? '') : undefined;
    if (signature === undefined || !canonicalBase64url(parts[0] ?? '') || !canonicalBase64url(parts[1] ?? ''))
      throw new TokenRejectedError('not a compact JWS in canonical base64url');
    if (signature.length !== 64 || sOf(signature) > HALF_ORDER)
      throw new TokenRejectedError('not a low-S ES256 signature');
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenRejectedError('malformed header');
    }
    if (typeof kid !== 'string') throw new TokenRejectedError('no kid');
    if (!this.keys.has(kid)) {
      // A kid not seen yet (a key rotated a moment ago) is read for, at most once a second: within a second of
      // the last read the token waits for the second to pass instead of being refused.
      const wait = this.keysReadAt + TokenVerifier.UNKNOWN_KID_REFRESH_MS - nowMs;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await this.readKeys(nowMs + Math.max(0, wait));
    }
    const key = this.usable(kid, nowMs);
    if (key === undefined) throw new TokenRejectedError('unknown or retired signing key');
    try {
      const { payload } = await jwtVerify(token, key.key, {
        algorithms: ['ES256'],
        typ: 'JWT',
        issuer: this.rules.issuer,
        audience: TOKEN_AUDIENCE,
        clockTolerance: CLOCK_TOLERANCE_S,
        maxTokenAge: TOKEN_LIFETIME_S,
        requiredClaims: ['sub', 'iat', 'nbf', 'exp', 'jti'],
        currentDate: new Date(nowMs),
      });
      if (!isClaims(payload)) throw new TokenRejectedError('missing or malformed claims');
      return { claims: payload, kid };
    } catch (error) {
      if (error instanceof TokenRejectedError) throw error;
      throw new TokenRejectedError(reasonOf(error));
    }
  }
}
