import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { AUDIT_SIGNING_KEY_LABEL } from '../application/audit/audit-hash.ts';
import { type AesGCM, ck, type Handle } from '../functions/crypto/pkcs11/cryptoki.ts';
import { GCM_IV_BYTES, GCM_TAG_BYTES, gcmMechanism } from '../functions/crypto/pkcs11/gcm.ts';
import { acquireLibrary, releaseLibrary } from '../functions/crypto/pkcs11/library.ts';
import { openSoftHsm } from '../functions/crypto/pkcs11/open-softhsm.ts';
import { SOFTHSM_MODULE_PATH } from '../functions/crypto/pkcs11/softhsm.ts';
import { rootKeyInUseTemplate } from '../functions/crypto/pkcs11/templates.ts';
import { findTokenSlot } from '../functions/crypto/pkcs11/token.ts';

/**
 * Why a SoftHSM AES-256-GCM call costs more inside keyledger than in a tight loop: times each part
 * of one encrypt (C_GenerateRandom for the IV, C_EncryptInit, C_Encrypt) per call, median and p90
 * of many, in a tight loop and with what a server does between two calls: other code evicting the
 * CPU caches, and an ECDSA signature running on the thread pool (audit checkpoints). The median of
 * per-call times is robust to a busy machine (a preemption lands in few calls).
 * Usage: node --import tsx bench/gcm-cost.ts [calls=4000]
 */
const calls = Number(process.argv[2] ?? 4000);
const plaintext = Buffer.alloc(32, 7);
const aad = Buffer.alloc(35, 1);
/** Bigger than L2: walking it between calls evicts what the GCM call had cached. */
const thrash = Buffer.alloc(8 * 1024 * 1024, 1);

function evictCaches(): number {
  let sum = 0;
  for (let i = 0; i < thrash.length; i += 64) sum += thrash[i] ?? 0;
  return sum;
}

const quantile = (xs: number[], q: number) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)] ?? 0;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-gcm-cost-'));
  const hsm = await openSoftHsm({ dataDir: dir });
  const library = acquireLibrary(SOFTHSM_MODULE_PATH);
  const m = library.module;
  try {
    await hsm.ensureSigningKey(AUDIT_SIGNING_KEY_LABEL);
    const slot = findTokenSlot(m, 'keyledger');
    if (!slot) throw new Error('token not found');
    const session: Handle = m.C_OpenSession(slot, ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION);
    const key = m.C_GenerateKey(session, { mechanism: ck.CKM_AES_KEY_GEN }, [
      ...rootKeyInUseTemplate(),
      { type: ck.CKA_VALUE_LEN, value: 32 },
    ]);
    const publicKey = m.C_GenerateKey(session, { mechanism: ck.CKM_AES_KEY_GEN }, [
      ...rootKeyInUseTemplate().map((a) => (a.type === ck.CKA_PRIVATE ? { ...a, value: false } : a)),
      { type: ck.CKA_VALUE_LEN, value: 32 },
    ]);
    const wrapped = await hsm.generateAesKey();

    let signing = false;
    let signatures = 0;
    const signer = (async () => {
      for (;;) {
        while (!signing) await new Promise((resolve) => setTimeout(resolve, 5));
        await hsm.sign(AUDIT_SIGNING_KEY_LABEL, Buffer.from('checkpoint'));
        signatures += 1;
      }
    })();
    void signer;

    const rows: string[] = [];
    type Variant = 'as keyledger does' | 'IVs drawn 64 at a time' | 'mechanism object reused' | 'key not CKA_PRIVATE';
    const ivBatch = Buffer.alloc(GCM_IV_BYTES * 64);
    let ivAt = ivBatch.length;
    const reusedParameter: AesGCM = {
      type: ck.CK_PARAMS_AES_GCM,
      iv: Buffer.alloc(GCM_IV_BYTES),
      aad,
      ivBits: GCM_IV_BYTES * 8,
      tagBits: GCM_TAG_BYTES * 8,
    };
    const reused = { mechanism: ck.CKM_AES_GCM, parameter: reusedParameter };
    const measure = async (name: string, between: () => void, variant: Variant = 'as keyledger does') => {
      const parts = { random: [] as number[], init: [] as number[], encrypt: [] as number[], total: [] as number[] };
      const adapter: number[] = [];
      const before = signatures;
      for (let i = 0; i < calls; i++) {
        between();
        const t0 = process.hrtime.bigint();
        let iv: Buffer;
        if (variant === 'IVs drawn 64 at a time') {
          if (ivAt === ivBatch.length) {
            m.C_GenerateRandom(session, ivBatch);
            ivAt = 0;
          }
          iv = ivBatch.subarray(ivAt, (ivAt += GCM_IV_BYTES));
        } else iv = m.C_GenerateRandom(session, Buffer.alloc(GCM_IV_BYTES));
        const t1 = process.hrtime.bigint();
        if (variant === 'mechanism object reused') {
          reusedParameter.iv = iv;
          m.C_EncryptInit(session, reused, key);
        } else m.C_EncryptInit(session, gcmMechanism(iv, aad), variant === 'key not CKA_PRIVATE' ? publicKey : key);
        const t2 = process.hrtime.bigint();
        m.C_Encrypt(session, plaintext, Buffer.alloc(plaintext.length + GCM_TAG_BYTES));
        const t3 = process.hrtime.bigint();
        parts.random.push(Number(t1 - t0) / 1000);
        parts.init.push(Number(t2 - t1) / 1000);
        parts.encrypt.push(Number(t3 - t2) / 1000);
        parts.total.push(Number(t3 - t0) / 1000);
        between();
        const a0 = process.hrtime.bigint();
        await hsm.encrypt(wrapped, plaintext, aad);
        adapter.push(Number(process.hrtime.bigint() - a0) / 1000);
        // Lets the signer's completions run, as a server's event loop would.
        if (i % 32 === 0) await turn();
      }
      const cell = (xs: number[]) => `${quantile(xs, 0.5).toFixed(1)} / ${quantile(xs, 0.9).toFixed(1)}`;
      rows.push(
        `| ${name} | ${cell(parts.random)} | ${cell(parts.init)} | ${cell(parts.encrypt)} | ${cell(parts.total)} | ${cell(adapter)} | ${signatures - before} |`,
      );
    };

    await measure('warm-up (not reported)', () => undefined);
    rows.length = 0;
    await measure('tight loop', () => undefined);
    await measure('caches evicted between calls', evictCaches);
    signing = true;
    await measure('ECDSA signing on the thread pool', () => undefined);
    await measure('caches evicted + signing', evictCaches);
    signing = false;
    await measure('caches evicted, IVs drawn 64 at a time', evictCaches, 'IVs drawn 64 at a time');
    await measure('caches evicted, mechanism object reused', evictCaches, 'mechanism object reused');
    await measure('caches evicted, key not CKA_PRIVATE', evictCaches, 'key not CKA_PRIVATE');
    await measure('caches evicted (again)', evictCaches);
    console.log(
      [
        `AES-256-GCM of 32 bytes in SoftHSM, ${calls} calls per row; µs per call, median / p90`,
        '',
        '| condition | C_GenerateRandom | C_EncryptInit | C_Encrypt | raw total | adapter encrypt | signatures meanwhile |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
      ].join('\n'),
    );
    m.C_DestroyObject(session, key);
    m.C_DestroyObject(session, publicKey);
    m.C_CloseSession(session);
  } finally {
    releaseLibrary(library);
    await hsm.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
