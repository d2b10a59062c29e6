import { createKeyHandler } from './create-key-handler.ts';
import { operations } from './operations.ts';
import { keyPolicyInputsOf } from './schemas/policies.ts';

/**
 * POST /api/v2/keys_with_policy_overrides: the key of POST /api/v2/keys created with its own rotation
 * and dualAuthDelete policies in place of the instance's ("overrides the policy configurations set at
 * instance level"), in the same append as the key, so the key never exists without them. A rotation
 * policy on a standard key is 400 KEY_ROOT_REQ_ERR, an interval outside 1..12 400 INVALID_FIELD_ERR
 * (the Go client sends -1 for an interval of 0 to get that answer); nothing is created then.
 */
export const handler = createKeyHandler(operations.createKeyWithPolicyOverrides, keyPolicyInputsOf);
