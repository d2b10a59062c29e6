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

/**
 * Prepares a SoftHSM2 token under `<dataDir>/softhsm`: writes `softhsm2.conf` with
 * `directories.tokendir` at `<dataDir>/softhsm/tokens`, points SOFTHSM2_CONF of this process
 * at it (SoftHSM reads it in C_Initialize), and generates the user and SO PINs on first use
 * (`pin`, `so-pin`, mode 0600). Returns options for {@link openPkcs11Hsm}, which initialises
 * the token on first open; a later start on the same dataDir finds the same token and keys.
 *
 * SoftHSM reads its configuration once per C_Initialize, so one process uses one SoftHSM data
 * directory at a time: preparing another while a SoftHSM Hsm is open is refused.
 */
export async function prepareSoftHsmToken(
  dataDir: string,
  options: { modulePath?: string; tokenLabel?: string } = {},
): Promise<Pkcs11HsmOptions> {
  const modulePath = options.modulePath ?? SOFTHSM_MODULE_PATH;
  const root = join(dataDir, 'softhsm');
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
  const [pin, soPin] = await Promise.all([persistentPin(join(root, 'pin')), persistentPin(join(root, 'so-pin'))]);
  return { modulePath, tokenLabel: options.tokenLabel ?? 'keyledger', pin, soPin };
}
