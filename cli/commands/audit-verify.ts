import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { optionalOption, UsageError, type Command } from '../command.ts';
import { segment } from './send.ts';

/** The instance to verify: --instance, else the local default instance from the data directory. */
function instanceOf(options: Parameters<Command['run']>[0]): string {
  const given = optionalOption(options, 'instance');
  if (given) return given;
  const file = join(resolve(process.env.KEYLEDGER_DATA_DIR ?? '.keyledger'), 'default-instance');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new UsageError('--instance is required (no default-instance file in $KEYLEDGER_DATA_DIR)');
}

/**
 * `keyledger audit verify`: prints the server's verdict, `{"valid":true,"records":N,"sealedThrough":S,
 * "unsealedRecords":N-S,"adoptedRecords":A}` or `{"valid":false,"firstBadSeq":n,"reason":"..."}`, and exits 0
 * only when the chain is valid.
 */
export const auditVerify: Command = {
  usage: 'keyledger audit verify [--instance INSTANCE_ID|_service]',
  summary:
    "verify the instance's hash-chained audit trail and its HSM-signed checkpoints (GET /admin/v1/instances/{id}/audit/verify)",
  options: { instance: { type: 'string' } },
  async run(input) {
    const res = await input.client.request('GET', `/admin/v1/instances/${segment(instanceOf(input))}/audit/verify`);
    input.print(JSON.stringify(res.body));
    const valid =
      res.status === 200 &&
      typeof res.body === 'object' &&
      res.body !== null &&
      (res.body as { valid?: unknown }).valid === true;
    return valid ? 0 : 1;
  },
};
