import { requiredOption, type Command } from '../command.ts';
import { send } from './send.ts';

export const instanceCreate: Command = {
  usage: 'keyledger instance create --name NAME',
  summary: 'create a service instance (POST /admin/v1/instances)',
  options: { name: { type: 'string' } },
  run: (input) => send(input, 'POST', '/admin/v1/instances', { name: requiredOption(input, 'name') }),
};
