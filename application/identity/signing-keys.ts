import { currentKid, type SigningKeysState } from '../../domain/identity/signing-keys.ts';
import { handleCommand, loadState, SERVICE_SCOPE_ID, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { SIGNING_KEYS_STREAM, signingKeysAggregate } from './signing-keys-aggregate.ts';
import { SIGNING_KEY_LABEL, TOKEN_LIFETIME_S, type VerificationKey, type VerificationKeySource } from './tokens.ts';

/**
 * Token-signing key rotation. Each key is a non-extractable P-256 pair in the HSM token, named by its
 * label (`keyledger-token-signing-N`), which is also the JWT `kid`. Rotation creates the next pair
 * and records both public halves in the signing-keys stream; new tokens are signed with the new key
 * at once, and every verifier keeps accepting the old key's tokens until the last of them expires.
 */
const LABEL_PREFIX = 'keyledger-token-signing-';
/** Clock skew and in-flight token exchanges: a retired key verifies this much longer than its tokens' lifetime. */
const RETIRED_GRACE_MS = 60_000;

async function loadSigningKeys(services: Pick<AppServices, 'store'>): Promise<SigningKeysState> {
  return (await loadState(services.store, signingKeysAggregate, SIGNING_KEYS_STREAM)).state;
}

/** The kid (HSM label) new tokens are signed with. */
export async function currentSigningKid(services: Pick<AppServices, 'store'>): Promise<string> {
  return currentKid(await loadSigningKeys(services), SIGNING_KEY_LABEL);
}

/** Whether an HSM label names a token-signing key (every label rotation makes, the first one included). */
export function isTokenSigningKid(label: string): boolean {
  return label.startsWith(LABEL_PREFIX);
}

function nextLabel(kid: string): string {
  const n = Number(kid.slice(LABEL_PREFIX.length));
  return `${LABEL_PREFIX}${Number.isInteger(n) && n > 0 ? n + 1 : 2}`;
}

/** Rotates the token-signing key; returns the new kid. */
export async function rotateSigningKey(
  services: Pick<AppServices, 'store' | 'hsm' | 'now'>,
  request: RequestScope,
  callerPrincipalId: string,
): Promise<{ kid: string; previousKid: string }> {
  const previousKid = await currentSigningKid(services);
  const kid = nextLabel(previousKid);
  const [previous, next] = await Promise.all([
    services.hsm.ensureSigningKey(previousKid),
    services.hsm.ensureSigningKey(kid),
  ]);
  await handleCommand(
    services.store,
    signingKeysAggregate,
    SIGNING_KEYS_STREAM,
    {
      type: 'RotateSigningKey',
      previous: { kid: previousKid, publicKey: Buffer.from(previous).toString('base64') },
      next: { kid, publicKey: Buffer.from(next).toString('base64') },
      now: services.now().toISOString(),
      principalIdOfCaller: callerPrincipalId,
    },
    { ...request, instanceId: SERVICE_SCOPE_ID },
  );
  return { kid, previousKid };
}

/**
 * Every public key that may still have live tokens at `nowMs`: the current key without end, a retired key
 * until its retirement plus a token lifetime (and a minute's grace). Before the first rotation the stream
 * holds no key: the first key (`SIGNING_KEY_LABEL`) is then the HSM's alone, and the result is empty.
 */
export function verificationKeys(
  state: SigningKeysState,
  nowMs: number,
): (VerificationKey & { readonly publicKey: Uint8Array })[] {
  if (state.status !== 'Rotated') return [];
  const retired = state.retired
    .map((key) => ({
      kid: key.kid,
      publicKey: Buffer.from(key.publicKey, 'base64'),
      untilMs: Date.parse(key.retiredAt) + TOKEN_LIFETIME_S * 1000 + RETIRED_GRACE_MS,
    }))
    .filter((key) => key.untilMs > nowMs);
  return [
    {
      kid: state.current.kid,
      publicKey: Buffer.from(state.current.publicKey, 'base64'),
      untilMs: Number.POSITIVE_INFINITY,
    },
    ...retired,
  ];
}

/**
 * The verification keys of one machine's store ({@link verificationKeys}); before the first rotation, the
 * first key as the HSM holds it (`firstKey`, its SPKI), without end.
 */
export function storeVerificationKeys(
  services: Pick<AppServices, 'store' | 'now'>,
  firstKey: Uint8Array,
): VerificationKeySource {
  return async () => {
    const state = await loadSigningKeys(services);
    return state.status === 'Rotated'
      ? verificationKeys(state, services.now().getTime())
      : [{ kid: SIGNING_KEY_LABEL, publicKey: firstKey, untilMs: Number.POSITIVE_INFINITY }];
  };
}
