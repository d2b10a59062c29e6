import { Option, type Command } from 'commander';
import type { Cli, Invocation } from '../context.ts';
import { wholeNumber } from '../context.ts';
import { renderFields } from '../output/table.ts';

interface ImportToken {
  readonly creationDate?: string;
  readonly expirationDate?: string;
  readonly maxAllowedRetrievals?: number;
  readonly remainingRetrievals?: number;
  readonly payload?: string;
  readonly nonce?: string;
}

function showToken(run: Invocation, token: ImportToken): void {
  run.print({
    json: token,
    table: () =>
      renderFields([
        ['Created', token.creationDate],
        ['Expires', token.expirationDate],
        ['Max retrievals', token.maxAllowedRetrievals],
        ['Remaining retrievals', token.remainingRetrievals],
        ['Nonce', token.nonce],
        ['Public key (base64 PEM)', token.payload],
      ]),
  });
}

/** `keyledger import-token create|show`: secure import of key material (`ibmcloud kp import-token`). */
export function registerImportToken(program: Command, cli: Cli): void {
  const importToken = program
    .command('import-token')
    .description('create and retrieve the import token for secure import');

  importToken
    .command('create')
    .description('create an import token: an RSA-4096 key pair in the HSM and a nonce (POST /api/v2/import_token)')
    .addOption(new Option('-e, --expiration <seconds>', 'how long it is valid, 300-86400').argParser(wholeNumber))
    .addOption(
      new Option('-m, --max-retrievals <n>', 'how many times it may be retrieved, 1-500').argParser(wholeNumber),
    )
    .action(
      cli.act(async (run) => {
        const res = await run.client.call('POST', '/api/v2/import_token', {
          instance: run.instance,
          body: {
            expiration: run.options.expiration as number | undefined,
            maxAllowedRetrievals: run.options.maxRetrievals as number | undefined,
          },
        });
        showToken(run, res.body as ImportToken);
      }),
    );

  importToken
    .command('show')
    .description('retrieve the import token: its public key and nonce; counts a retrieval (GET /api/v2/import_token)')
    .action(
      cli.act(async (run) => {
        showToken(
          run,
          (await run.client.call('GET', '/api/v2/import_token', { instance: run.instance })).body as ImportToken,
        );
      }),
    );
}
