import { ApplicationError } from '../errors.ts';
import type { KeyType } from '../../domain/keys/events.ts';
import type { InstancePolicies } from './instance-policies.ts';

type KeyOrigin = 'generated' | 'imported' | 'securelyImported';

/**
 * Enforces the keyCreateImportAccess instance policy (409 KEY_CREATE_IMPORT_ACCESS_ERR): which key
 * types may be created or imported, and whether imports need an import token (enforceToken).
 */
export function checkKeyCreateImportAccess(policies: InstancePolicies, keyType: KeyType, origin: KeyOrigin): void {
  const access = policies.keyCreateImportAccess;
  if (!access) return;
  const allowed =
    origin === 'generated'
      ? keyType === 'root'
        ? access.createRootKey
        : access.createStandardKey
      : (keyType === 'root' ? access.importRootKey : access.importStandardKey) &&
        (origin === 'securelyImported' || !access.enforceToken);
  if (!allowed) {
    throw new ApplicationError(
      'KEY_CREATE_IMPORT_ACCESS_ERR',
      'KeyCreateImportAccess instance policy does not allow this action',
    );
  }
}
