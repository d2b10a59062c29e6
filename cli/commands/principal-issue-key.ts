import { requiredOption, type Command } from '../command.ts';
import { segment, send } from './send.ts';

export const principalIssueKey: Command = {
  usage: 'keyledger principal issue-key --principal PRINCIPAL_ID',
  summary: 'issue a new API key to a principal; printed once (POST /admin/v1/principals/{id}/api-key)',
  options: { principal: { type: 'string' } },
  run: (input) => send(input, 'POST', `/admin/v1/principals/${segment(requiredOption(input, 'principal'))}/api-key`),
};
