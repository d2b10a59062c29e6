import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** A token the authorizer does not accept; `reason` is for logs and never contains the token. */
export class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`token rejected: ${reason}`);
    this.name = 'TokenRejectedError';
  }
}

const ecPublicJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().min(1),
  y: z.string().min(1),
  kid: z.string().min(1).optional(),
  alg: z.literal('ES256').optional(),
  use: z.string().optional(),
});

const jwksSchema = z.object({ keys: z.array(z.unknown()) });

const headerSchema = z.object({ alg: z.string(), kid: z.string().optional(), typ: z.string().optional() });

const claimsSchema = z.object({
  sub: z.string().min(1),
  exp: z.number(),
  iat: z.number(),
  nbf: z.number().optional(),
  iss: z.string().optional(),
});

export type VerifiedClaims = z.infer<typeof claimsSchema>;

export interface VerificationKey {
  readonly kid: string | undefined;
  readonly key: KeyObject;
}

/** Parses a JWKS document, keeping its P-256 signature keys and skipping any other kind. */
export function parseJwks(json: string): VerificationKey[] {
  const jwks = jwksSchema.parse(JSON.parse(json) as unknown);
  const keys: VerificationKey[] = [];
  for (const candidate of jwks.keys) {
    const parsed = ecPublicJwk.safeParse(candidate);
    if (!parsed.success || (parsed.data.use !== undefined && parsed.data.use !== 'sig')) continue;
    const { kty, crv, x, y } = parsed.data;
    keys.push({ kid: parsed.data.kid, key: createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' }) });
  }
  return keys;
}

function decodeJson(segment: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new TokenRejectedError(`${what} is not base64url JSON`);
  }
}

export interface VerifyOptions {
  /** Seconds since the epoch. */
  readonly now: number;
  /** Required `iss`, when configured. */
  readonly issuer?: string | undefined;
  /** Tolerated clock skew, seconds. */
  readonly leewaySeconds?: number;
}

/** The key a token names by `kid`; a token without `kid` is accepted only while exactly one key is published. */
export function selectKey(keys: readonly VerificationKey[], kid: string | undefined): VerificationKey | undefined {
  if (kid === undefined) return keys.length === 1 ? keys[0] : undefined;
  return keys.find((candidate) => candidate.kid === kid);
}

/** The `kid` of a compact JWS, without verifying anything. */
export function peekKid(token: string): string | undefined {
  const [header] = token.split('.');
  if (header === undefined) return undefined;
  const parsed = headerSchema.safeParse(decodeJson(header, 'header'));
  return parsed.success ? parsed.data.kid : undefined;
}

/**
 * Verifies a compact JWS signed with ES256 (ECDSA P-256, SHA-256, raw r||s signature, RFC 7518 3.4)
 * and its time claims. Throws {@link TokenRejectedError}.
 */
export function verifyEs256(token: string, keys: readonly VerificationKey[], options: VerifyOptions): VerifiedClaims {
  const parts = token.split('.');
  const [headerPart, payloadPart, signaturePart] = parts;
  if (parts.length !== 3 || headerPart === undefined || payloadPart === undefined || signaturePart === undefined) {
    throw new TokenRejectedError('not a compact JWS');
  }
  const header = headerSchema.safeParse(decodeJson(headerPart, 'header'));
  if (!header.success) throw new TokenRejectedError('malformed header');
  // Only ES256: never let the token choose a weaker algorithm (or "none").
  if (header.data.alg !== 'ES256') throw new TokenRejectedError(`algorithm ${header.data.alg} not accepted`);
  const selected = selectKey(keys, header.data.kid);
  if (selected === undefined) throw new TokenRejectedError('unknown signing key');
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== 64) throw new TokenRejectedError('bad signature length');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (!verify('sha256', signed, { key: selected.key, dsaEncoding: 'ieee-p1363' }, signature)) {
    throw new TokenRejectedError('bad signature');
  }
  const claims = claimsSchema.safeParse(decodeJson(payloadPart, 'payload'));
  if (!claims.success) throw new TokenRejectedError('missing or malformed claims');
  const leeway = options.leewaySeconds ?? 30;
  if (claims.data.exp <= options.now - leeway) throw new TokenRejectedError('expired');
  if (claims.data.nbf !== undefined && claims.data.nbf > options.now + leeway)
    throw new TokenRejectedError('not yet valid');
  if (claims.data.iat > options.now + leeway) throw new TokenRejectedError('issued in the future');
  if (options.issuer !== undefined && claims.data.iss !== options.issuer) throw new TokenRejectedError('wrong issuer');
  return claims.data;
}
