import { ck, type Cryptoki } from './cryptoki.ts';
import { toHsmError } from './errors.ts';

/**
 * A loaded and initialised PKCS#11 module, shared by every {@link Hsm} of this process that
 * names the same module path.
 *
 * C_Initialize runs once per module and process, always with CKF_OS_LOCKING_OK: pkcs11js runs
 * its *Async calls on libuv worker threads, and without OS locking SoftHSM crashes (segfault,
 * measured) as soon as two of them overlap. The module is finalised and unloaded when the last
 * user releases it, so a later open (a restart in tests, a new SoftHSM configuration) starts
 * from a clean C_Initialize.
 */
export interface Library {
  readonly module: Cryptoki;
  readonly modulePath: string;
  /** Users logged in per slot: C_Logout is application-wide, so only the last one may call it. */
  readonly logins: Map<string, number>;
  users: number;
  /** Counts the C_Initialize calls: sessions, logins and handles of an earlier generation are gone. */
  generation: number;
  /** False between a C_Finalize and the C_Initialize that failed after it (see {@link reinitialiseLibrary}). */
  initialised: boolean;
}

const libraries = new Map<string, Library>();

/** Loads and initialises `modulePath` on first use, or joins the process's existing instance. */
export function acquireLibrary(modulePath: string): Library {
  const existing = libraries.get(modulePath);
  if (existing !== undefined) {
    existing.users += 1;
    return existing;
  }
  const module = new ck.PKCS11();
  try {
    module.load(modulePath);
  } catch (error) {
    throw toHsmError('load PKCS#11 module', error);
  }
  try {
    module.C_Initialize({ flags: ck.CKF_OS_LOCKING_OK });
  } catch (error) {
    module.close();
    throw toHsmError('C_Initialize', error);
  }
  const library: Library = { module, modulePath, logins: new Map(), users: 1, generation: 1, initialised: true };
  libraries.set(modulePath, library);
  return library;
}

/** Drops one user; the last one finalises and unloads the module. */
export function releaseLibrary(library: Library): void {
  library.users -= 1;
  if (library.users > 0) return;
  libraries.delete(library.modulePath);
  try {
    if (library.initialised) library.module.C_Finalize();
  } finally {
    library.module.close();
  }
}

/**
 * C_Finalize then C_Initialize, once per lost token: SoftHSM does not take a token back whose files
 * went away and came back (C_GetSlotList fails with CKR_GENERAL_ERROR and its objects stay unfound
 * until the module is initialised again; measured with SoftHSM 2.6). Every session, login and object
 * handle of the process on this module is then gone. `seen` is the generation the caller's sessions
 * belong to: when another user has reinitialised since, this does nothing and the caller just opens
 * its sessions again. A failed C_Initialize (the token still gone) leaves the generation as it was,
 * so the next attempt tries again.
 * @throws {HsmUnavailableError} C_Initialize failed.
 */
export function reinitialiseLibrary(library: Library, seen: number): void {
  if (library.generation !== seen && library.initialised) return;
  if (library.initialised) {
    library.initialised = false;
    try {
      library.module.C_Finalize();
    } catch {
      // Already finalised or broken: C_Initialize below says whether the module works.
    }
  }
  try {
    library.module.C_Initialize({ flags: ck.CKF_OS_LOCKING_OK });
  } catch (error) {
    throw toHsmError('C_Initialize', error);
  }
  library.initialised = true;
  library.generation += 1;
  library.logins.clear();
}

/** Whether this process currently holds `modulePath` initialised (its configuration is then fixed). */
export function isLibraryInitialised(modulePath: string): boolean {
  return libraries.has(modulePath);
}
