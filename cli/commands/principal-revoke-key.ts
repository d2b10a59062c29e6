import { requiredOption, type Command } from '../command.ts';
import { segment, send } from './send.ts';

export const principalRevokeKey: Command = {
  usage: 'keyledger principal revoke-key --principal PRINCIPAL_ID',
  summary: 'revoke every API key of a principal at once (DELETE /admin/v1/principals/{id}/api-key)',
  options: { principal: { type: 'string' } },
  run: (input) => send(input, 'DELETE', `/admin/v1/principals/${segment(requiredOption(input, 'principal'))}/api-key`),
};
