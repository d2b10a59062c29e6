/**
 * Audit group commit: records/s with one record at a time vs 64 concurrent `record()` calls, on the
 * SQLite adapter (synchronous=FULL, a real file) with checkpoints signed by SoftHSM, with the seal
 * interval given (default 100 ms; 0 = a checkpoint in every commit).
 * `npx tsx bench/audit-group-commit.ts [sealIntervalMs]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainedAuditLog } from '../application/audit/chained-audit-log.ts';
import { hsmCheckpointSigner } from '../application/audit/hsm-checkpoint-signer.ts';
import { openSqliteAuditStorage } from '../events/audit/sqlite/sqlite-audit-storage.ts';
import { openSoftHsm } from '../functions/crypto/pkcs11/open-softhsm.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyledger-audit-bench-'));
const hsm = await openSoftHsm({ dataDir: dir });
const log = new ChainedAuditLog({
  storage: await openSqliteAuditStorage({ file: join(dir, 'keyledger.db') }),
  signer: await hsmCheckpointSigner(hsm),
  sealIntervalMs: Number(process.argv[2] ?? 100),
});
const entry = (i: number) => ({
  time: new Date().toISOString(),
  instanceId: '3f1c1f4e-8a0b-4c55-9d7e-000000000001',
  principalId: 'p',
  operation: 'wrapKey',
  keyId: 'k',
  keyVersionId: 'v',
  outcome: 'success' as const,
  reason: '',
  requestId: `r-${i}`,
  correlationId: '',
  sourceIp: '127.0.0.1',
});

const N = 2000;
let t = performance.now();
for (let i = 0; i < N; i++) await log.record(entry(i));
const single = N / ((performance.now() - t) / 1000);

const CONCURRENCY = 64;
let next = 0;
t = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < N * 5) await log.record(entry(next++));
  }),
);
const concurrent = (N * 5) / ((performance.now() - t) / 1000);
console.log(
  JSON.stringify({
    singleRecordsPerS: Math.round(single),
    concurrent64RecordsPerS: Math.round(concurrent),
    verify: await log.verify('3f1c1f4e-8a0b-4c55-9d7e-000000000001'),
  }),
);
await log.close();
await hsm.close();
rmSync(dir, { recursive: true, force: true });
