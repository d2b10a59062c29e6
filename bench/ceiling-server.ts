import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openRawGcm } from './raw-gcm.ts';

/**
 * Ceilings (a) and (b) of the benchmark: the least a wrap server can do on this machine.
 *   json         (a) read the body, parse it, answer a JSON body shaped and sized like keyledger's wrap answer
 *   pkcs11-async (b) the same, plus one AES-256-GCM encrypt in SoftHSM per request on the thread pool (as keyledger does)
 *   pkcs11-sync  (b) the same with a blocking C_Encrypt on the event loop
 * Usage: node --import tsx bench/ceiling-server.ts <mode> <softhsm data dir> <sessions>
 */
const [mode = 'json', dataDir = '', sessionsArg = '2'] = process.argv.slice(2);
const header = randomBytes(35);
const versionId = randomUUID();

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function answer(iv: Buffer, sealed: Buffer): string {
  return JSON.stringify({
    ciphertext: Buffer.concat([header, iv, sealed]).toString('base64'),
    keyVersion: { id: versionId },
  });
}

async function main(): Promise<void> {
  const gcm = mode === 'json' ? undefined : await openRawGcm(dataDir, Number(sessionsArg));
  const fixed = answer(randomBytes(12), randomBytes(48));
  const server = createServer((req, res) => {
    void (async () => {
      const parsed = JSON.parse((await body(req)).toString('utf8') || '{}') as { plaintext?: string };
      const plaintext = Buffer.from(parsed.plaintext ?? 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'base64');
      let text = fixed;
      if (gcm && mode === 'pkcs11-sync') {
        const { iv, sealed } = gcm.encryptSync(plaintext, header);
        text = answer(iv, sealed);
      } else if (gcm) {
        const { iv, sealed } = await gcm.encryptAsync(plaintext, header);
        text = answer(iv, sealed);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    console.log(`ceiling ${mode} listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    gcm?.close();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
