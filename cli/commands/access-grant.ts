import { optionalOption, requiredOption, type Command } from '../command.ts';
import { segment, send } from './send.ts';

export const accessGrant: Command = {
  usage:
    'keyledger access grant --instance INSTANCE_ID --principal PRINCIPAL_ID --role Reader|ReaderPlus|Writer|Manager|KeyPurge [--key-ring KEY_RING_ID | --key KEY_ID]',
  summary: 'grant a role on an instance, a key ring or a key (POST /admin/v1/instances/{id}/access)',
  options: {
    instance: { type: 'string' },
    principal: { type: 'string' },
    role: { type: 'string' },
    'key-ring': { type: 'string' },
    key: { type: 'string' },
  },
  run(input) {
    const keyRingId = optionalOption(input, 'key-ring');
    const keyId = optionalOption(input, 'key');
    return send(input, 'POST', `/admin/v1/instances/${segment(requiredOption(input, 'instance'))}/access`, {
      principalId: requiredOption(input, 'principal'),
      role: requiredOption(input, 'role'),
      ...(keyRingId ? { keyRingId } : {}),
      ...(keyId ? { keyId } : {}),
    });
  },
};
