import type { Hsm } from '../../../application/ports/hsm.ts';
import { openPkcs11Hsm, type Pkcs11HsmOptions } from './open-pkcs11-hsm.ts';
import { prepareSoftHsmToken, type SoftHsmLocation } from './softhsm.ts';

/**
 * The HSM of a one-machine keyledger: a SoftHSM2 token under `dataDir` (or `hsmDir`), prepared with
 * {@link prepareSoftHsmToken} and opened with {@link openPkcs11Hsm}. Restarting on the same
 * directory finds the same token and master keys.
 */
export async function openSoftHsm(
  options: SoftHsmLocation & {
    readonly dataDir: string;
    /** SoftHSM module path; default {@link SOFTHSM_MODULE_PATH}. */
    readonly modulePath?: string | undefined;
    readonly tokenLabel?: string | undefined;
    /** Passed through to {@link openPkcs11Hsm} (sessions, keyCacheSize, masterKeyLabel, blockingCrypto: default true here). */
    readonly tuning?: Pick<Pkcs11HsmOptions, 'sessions' | 'keyCacheSize' | 'masterKeyLabel' | 'blockingCrypto'>;
  },
): Promise<Hsm> {
  const prepared = await prepareSoftHsmToken(options.dataDir, {
    hsmDir: options.hsmDir,
    pin: options.pin,
    ...(options.modulePath === undefined ? {} : { modulePath: options.modulePath }),
    ...(options.tokenLabel === undefined ? {} : { tokenLabel: options.tokenLabel }),
  });
  // SoftHSM runs in this process: a GCM of a DEK is cheaper as a blocking call than a thread-pool round trip (bench/).
  return openPkcs11Hsm({ ...prepared, blockingCrypto: true, ...options.tuning });
}
