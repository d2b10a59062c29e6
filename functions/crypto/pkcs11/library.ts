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
  const library: Library = { module, modulePath, logins: new Map(), users: 1 };
  libraries.set(modulePath, library);
  return library;
}

/** Drops one user; the last one finalises and unloads the module. */
export function releaseLibrary(library: Library): void {
  library.users -= 1;
  if (library.users > 0) return;
  libraries.delete(library.modulePath);
  try {
    library.module.C_Finalize();
  } finally {
    library.module.close();
  }
}

/** Whether this process currently holds `modulePath` initialised (its configuration is then fixed). */
export function isLibraryInitialised(modulePath: string): boolean {
  return libraries.has(modulePath);
}
