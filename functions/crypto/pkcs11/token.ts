import { HsmUnavailableError } from '../../../application/ports/hsm.ts';
import { ck, type Cryptoki, type Handle } from './cryptoki.ts';

/** Token labels are blank- (or, from pkcs11js' C_InitToken, NUL-) padded to 32 bytes. */
function trimLabel(label: string): string {
  return label.replace(/[\s\0]+$/u, '');
}

/** The slot holding the initialised token labelled `tokenLabel`, if any. */
export function findTokenSlot(module: Cryptoki, tokenLabel: string): Handle | undefined {
  const matches = module.C_GetSlotList(true).filter((slot) => {
    const info = module.C_GetTokenInfo(slot);
    return (info.flags & ck.CKF_TOKEN_INITIALIZED) !== 0 && trimLabel(info.label) === tokenLabel;
  });
  if (matches.length > 1) throw new HsmUnavailableError(`more than one token is labelled ${tokenLabel}`);
  return matches[0];
}

/**
 * Initialises the first uninitialised token as `tokenLabel` with the SO PIN and sets the user
 * PIN. Used on first start when the caller supplies an SO PIN (SoftHSM in development); with a
 * production HSM the token is provisioned out of band and no SO PIN is given.
 */
export function initialiseToken(module: Cryptoki, tokenLabel: string, soPin: string, pin: string): void {
  const free = module
    .C_GetSlotList(true)
    .find((slot) => (module.C_GetTokenInfo(slot).flags & ck.CKF_TOKEN_INITIALIZED) === 0);
  if (free === undefined) throw new HsmUnavailableError(`no free slot to initialise token ${tokenLabel}`);
  module.C_InitToken(free, soPin, tokenLabel);
  // SoftHSM renumbers slots after C_InitToken: look the token up again by label.
  const slot = findTokenSlot(module, tokenLabel);
  if (slot === undefined) throw new HsmUnavailableError(`token ${tokenLabel} not found after initialisation`);
  const session = module.C_OpenSession(slot, ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION);
  try {
    module.C_Login(session, ck.CKU_SO, soPin);
    module.C_InitPIN(session, pin);
    module.C_Logout(session);
  } finally {
    module.C_CloseSession(session);
  }
}

/**
 * Whether the token still holds `objects` for this process: a new session reads one attribute of each.
 * After the token's files went away (a removed token, a lost mount) the handles are invalid, even once
 * the files are back (see reinitialiseLibrary in library.ts).
 */
export function tokenHolds(module: Cryptoki, slot: Handle, objects: readonly Handle[]): boolean {
  let session: Handle;
  try {
    session = module.C_OpenSession(slot, ck.CKF_SERIAL_SESSION);
  } catch {
    return false;
  }
  try {
    for (const object of objects) module.C_GetAttributeValue(session, object, [{ type: ck.CKA_CLASS }]);
    return true;
  } catch {
    return false;
  } finally {
    try {
      module.C_CloseSession(session);
    } catch {
      // The session went with the token.
    }
  }
}
