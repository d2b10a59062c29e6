import { createCipheriv, randomBytes } from 'node:crypto';
import { openRawGcm } from './raw-gcm.ts';

/**
 * Ceilings (c) and (d): AES-256-GCM of a 32-byte DEK with a 35-byte AAD (keyledger's header), in a
 * tight loop, no HTTP. (c) raw PKCS#11 in SoftHSM, blocking and on the thread pool with
 * `concurrency` operations in flight; (d) node:crypto (OpenSSL) in process.
 * Usage: node --import tsx bench/crypto-loops.ts <softhsm data dir> <seconds> <sessions> <concurrency>
 * Prints one JSON object.
 */
const [dataDir = '', secondsArg = '2', sessionsArg = '2', concurrencyArg = '16'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const plaintext = randomBytes(32);
const aad = randomBytes(35);

function timed(fn: () => void): number {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 64; i += 1) fn();
    n += 64;
  }
  return Math.round(n / ((performance.now() - t0) / 1000));
}

async function main(): Promise<void> {
  const gcm = await openRawGcm(dataDir, Number(sessionsArg));
  const pkcs11Sync = timed(() => gcm.encryptSync(plaintext, aad));

  const concurrency = Number(concurrencyArg);
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await gcm.encryptAsync(plaintext, aad);
        done += 1;
      }
    }),
  );
  const pkcs11Async = Math.round(done / ((performance.now() - t0) / 1000));
  gcm.close();

  const key = randomBytes(32);
  const nodeCrypto = timed(() => {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
    cipher.setAAD(aad);
    cipher.update(plaintext);
    cipher.final();
    cipher.getAuthTag();
  });
  console.log(
    JSON.stringify({
      pkcs11SyncOpsPerS: pkcs11Sync,
      pkcs11AsyncOpsPerS: pkcs11Async,
      asyncConcurrency: concurrency,
      nodeCryptoOpsPerS: nodeCrypto,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
