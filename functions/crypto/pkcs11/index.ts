/** The PKCS#11 adapter of the HSM port: open it with {@link openPkcs11Hsm}; SoftHSM setup via {@link prepareSoftHsmToken}. */
export { openPkcs11Hsm, type Pkcs11HsmOptions } from './open-pkcs11-hsm.ts';
export { prepareSoftHsmToken, SOFTHSM_MODULE_PATH } from './softhsm.ts';
export { openSoftHsm } from './open-softhsm.ts';
