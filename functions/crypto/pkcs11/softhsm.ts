import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HsmUnavailableError } from '../../../application/ports/hsm.ts';
import { isLibraryInitialised } from './library.ts';
import type { Pkcs11HsmOptions } from './open-pkcs11-hsm.ts';

/** Where Debian/Ubuntu's softhsm2 package installs the module. */
export const SOFTHSM_MODULE_PATH = '/usr/lib/softhsm/libsofthsm2.so';

/** Reads the PIN stored at `path`, or generates and stores one (mode 0600) on first use. */
async function persistentPin(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pin = randomBytes(24).toString('base64url');
  try {
    // 'wx': if another process won the race, use its PIN rather than overwrite it.
    await writeFile(path, `${pin}\n`, { mode: 0o600, flag: 'wx' });
    return pin;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(path, 'utf8')).trim();
  }
}

/** Where a SoftHSM token lives and how its user PIN is found. */
export interface SoftHsmLocation {
  /** The SoftHSM directory (configuration and token files); default `<dataDir>/softhsm`. */
  readonly hsmDir?: string | undefined;
  /**
   * The user PIN, kept by the operator outside the token directory. Without it, the PINs are generated on
   * first use and stored next to the token (`pin`, `so-pin`, mode 0600), so that directory alone opens the
   * token. With it, no PIN is written anywhere: the SO PIN that initialises a new token is random and
   * forgotten (it is needed only to initialise, and with it anyone could set a new user PIN).
   */
  readonly pin?: string | undefined;
}

/**
 * Prepares a SoftHSM2 token in its directory (`<dataDir>/softhsm` unless `hsmDir` says otherwise): writes
 * `softhsm2.conf` with `directories.tokendir` at `<hsmDir>/tokens`, points SOFTHSM2_CONF of this process at
 * it (SoftHSM reads it in C_Initialize), and finds the PINs ({@link SoftHsmLocation.pin}). Returns options
 * for {@link openPkcs11Hsm}, which initialises the token on first open; a later start on the same directory
 * finds the same token and keys.
 *
 * SoftHSM reads its configuration once per C_Initialize, so one process uses one SoftHSM data
 * directory at a time: preparing another while a SoftHSM Hsm is open is refused.
 */
export async function prepareSoftHsmToken(
  dataDir: string,
  options: { modulePath?: string; tokenLabel?: string } & SoftHsmLocation = {},
): Promise<Pkcs11HsmOptions> {
  const modulePath = options.modulePath ?? SOFTHSM_MODULE_PATH;
  const root = options.hsmDir ?? join(dataDir, 'softhsm');
  const configPath = join(root, 'softhsm2.conf');
  if (isLibraryInitialised(modulePath) && process.env.SOFTHSM2_CONF !== configPath) {
    throw new HsmUnavailableError('SoftHSM is already initialised in this process with another configuration');
  }
  await mkdir(join(root, 'tokens'), { recursive: true, mode: 0o700 });
  const config = [
    '# Written by keyledger (prepareSoftHsmToken).',
    `directories.tokendir = ${join(root, 'tokens')}`,
    'objectstore.backend = file',
    'log.level = ERROR',
    'slots.removable = false',
    '',
  ].join('\n');
  // Write-then-rename: on a shared token store (EFS) another process may be reading the file in C_Initialize.
  const temporary = `${configPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, config, { mode: 0o600 });
  await rename(temporary, configPath);
  process.env.SOFTHSM2_CONF = configPath;
  const tokenLabel = options.tokenLabel ?? 'keyledger';
  if (options.pin !== undefined)
    return { modulePath, tokenLabel, pin: options.pin, soPin: randomBytes(24).toString('base64url') };
  const [pin, soPin] = await Promise.all([persistentPin(join(root, 'pin')), persistentPin(join(root, 'so-pin'))]);
  return { modulePath, tokenLabel, pin, soPin };
}
