import type { Command } from '../command.ts';
import { send } from './send.ts';

export const signingKeyRotate: Command = {
  usage: 'keyledger signing-key rotate',
  summary:
    'rotate the token-signing key; live tokens keep working until they expire (POST /admin/v1/token-signing-keys)',
  options: {},
  run: (input) => send(input, 'POST', '/admin/v1/token-signing-keys'),
};
