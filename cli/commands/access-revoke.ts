import { requiredOption, type Command } from '../command.ts';
import { segment, send } from './send.ts';

export const accessRevoke: Command = {
  usage: 'keyledger access revoke --instance INSTANCE_ID --binding BINDING_ID',
  summary: 'remove an access binding (DELETE /admin/v1/instances/{id}/access/{bindingId})',
  options: { instance: { type: 'string' }, binding: { type: 'string' } },
  run: (input) =>
    send(
      input,
      'DELETE',
      `/admin/v1/instances/${segment(requiredOption(input, 'instance'))}/access/${segment(requiredOption(input, 'binding'))}`,
    ),
};
