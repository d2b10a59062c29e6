import { requiredOption, type Command } from '../command.ts';
import { segment, send } from './send.ts';

export const principalDelete: Command = {
  usage: 'keyledger principal delete --principal PRINCIPAL_ID',
  summary: 'delete a principal and revoke all its API keys (DELETE /admin/v1/principals/{id})',
  options: { principal: { type: 'string' } },
  run: (input) => send(input, 'DELETE', `/admin/v1/principals/${segment(requiredOption(input, 'principal'))}`),
};
