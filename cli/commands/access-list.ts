import { requiredOption, type Command } from '../command.ts';
import { segment, send } from './send.ts';

export const accessList: Command = {
  usage: 'keyledger access list --instance INSTANCE_ID',
  summary: "list an instance's access bindings (GET /admin/v1/instances/{id}/access)",
  options: { instance: { type: 'string' } },
  run: (input) => send(input, 'GET', `/admin/v1/instances/${segment(requiredOption(input, 'instance'))}/access`),
};
