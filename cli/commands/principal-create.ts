import { requiredOption, type Command } from '../command.ts';
import { send } from './send.ts';

export const principalCreate: Command = {
  usage: 'keyledger principal create --name NAME',
  summary: 'create a principal; prints its API key once (POST /admin/v1/principals)',
  options: { name: { type: 'string' } },
  run: (input) => send(input, 'POST', '/admin/v1/principals', { name: requiredOption(input, 'name') }),
};
