import { setImmediate as yieldToIo } from 'node:timers/promises';
import {
  AuditChainConflictError,
  chainOf,
  MAX_ROWS_PER_CHAIN_WRITE,
  type AuditCheckpoint,
  type AuditRecord,
  type AuditStorage,
} from '../ports/audit-storage.ts';
import { checkpointPayload, GENESIS_HASH, recordHash, type CheckpointSigner } from './audit-hash.ts';
import type { AuditEntry, AuditLog, AuditPage, AuditQuery, AuditVerification } from './audit-log.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';
import { ApplicationError } from '../errors.ts';

/**
 * When a commit also writes a signed checkpoint: once `everyRecords` records follow the last one,
 * or `everyMs` after it (0 = never by time). With `everyRecords: 1` (the local server's default)
 * every commit is sealed in the same transaction, so no record is ever only hash-chained.
 */
export interface CheckpointPolicy {
  readonly everyRecords: number;
  readonly everyMs: number;
}

export const SEAL_EVERY_COMMIT: CheckpointPolicy = { everyRecords: 1, everyMs: 0 };

export interface ChainedAuditLogOptions {
  readonly storage: AuditStorage;
  readonly signer: CheckpointSigner;
  readonly policy?: CheckpointPolicy | undefined;
  readonly now?: (() => Date) | undefined;
}

interface Pending {
  readonly entry: AuditEntry;
  resolve(): void;
  reject(error: unknown): void;
}

interface ChainState {
  readonly seq: number;
  readonly hash: string;
  readonly checkpointN: number;
  readonly checkpointSeq: number;
  readonly checkpointAtMs: number;
  /** Set when this writer took over a chain whose tail it cannot vouch for; written into the next checkpoint. */
  readonly anomalySeq: number;
  readonly anomaly: string;
}

const MAX_ATTEMPTS = 8;

/**
 * The audit trail over an {@link AuditStorage}: hash-chained per instance, signed checkpoints, and
 * group commit. `record` queues the entry; one drain loop at a time takes everything queued (up to
 * one storage transaction's worth per chain), chains it, and commits each chain in one transaction.
 * Each `record` resolves only after its own transaction committed, and rejects if it did not.
 */
export class ChainedAuditLog implements AuditLog {
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  private readonly chains = new Map<string, ChainState>();
  private readonly policy: CheckpointPolicy;
  private readonly now: () => Date;

  constructor(private readonly options: ChainedAuditLogOptions) {
    this.policy = options.policy ?? SEAL_EVERY_COMMIT;
    if (!Number.isInteger(this.policy.everyRecords) || this.policy.everyRecords < 1)
      throw new RangeError('everyRecords must be >= 1');
    this.now = options.now ?? (() => new Date());
  }

  record(entry: AuditEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the audit log is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  async query(q: AuditQuery): Promise<AuditPage> {
    const { rows, more } = await this.options.storage.query({
      chain: q.instanceId,
      afterSeq: decodeCursor(q.cursor),
      limit: q.limit,
      keyId: q.keyId,
      principalId: q.principalId,
      operation: q.operation,
      outcome: q.outcome,
      from: q.from,
      to: q.to,
    });
    const last = rows.at(-1);
    return { records: rows, nextCursor: more && last ? encodeCursor(last.seq) : null };
  }

  async verify(instanceId: string): Promise<AuditVerification> {
    await this.flushed();
    const { signer, storage } = this.options;
    return verifyAuditChain(storage, instanceId, {
      publicKeyDer: signer.publicKeyDer,
      keyLabel: signer.keyLabel,
      maxUnsealed: this.policy.everyRecords - 1,
    });
  }

  readBack(chain: string, beforeSeq: number | null, limit: number) {
    return this.options.storage.readBack(chain, beforeSeq, limit);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushed();
    await this.options.storage.close();
  }

  private async flushed(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Lets the requests that are already in flight reach `record` too, so they share this commit.
        await yieldToIo();
        const byChain = new Map<string, Pending[]>();
        const rest: Pending[] = [];
        for (const pending of this.queue) {
          const chain = chainOf(pending.entry.instanceId);
          const list = byChain.get(chain) ?? [];
          if (list.length < MAX_ROWS_PER_CHAIN_WRITE) {
            list.push(pending);
            byChain.set(chain, list);
          } else {
            rest.push(pending);
          }
        }
        this.queue = rest;
        // One commit at a time: the records that arrive while it is made durable form the next,
        // larger batch. (Handing storage a second commit before the first is durable was measured
        // slower: it splits batches, and each commit costs an fsync either way.)
        await Promise.all(
          [...byChain].map(async ([chain, batch]) => {
            try {
              await this.commitChain(
                chain,
                batch.map((p) => p.entry),
              );
              for (const p of batch) p.resolve();
            } catch (error) {
              for (const p of batch) p.reject(error);
            }
          }),
        );
      }
    } finally {
      this.draining = null;
    }
  }

  private async commitChain(chain: string, entries: readonly AuditEntry[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const state = this.chains.get(chain) ?? (await this.load(chain));
      const rows: AuditRecord[] = [];
      let prevHash = state.hash;
      entries.forEach((entry, i) => {
        const unhashed = { ...copyEntry(entry), seq: state.seq + i + 1, prevHash };
        const row = { ...unhashed, hash: recordHash(unhashed) };
        rows.push(row);
        prevHash = row.hash;
      });
      const last = rows[rows.length - 1];
      if (!last) return;
      const nowMs = this.now().getTime();
      const due =
        last.seq - state.checkpointSeq >= this.policy.everyRecords ||
        (this.policy.everyMs > 0 && nowMs - state.checkpointAtMs >= this.policy.everyMs) ||
        state.anomalySeq > 0;
      const checkpoint = due
        ? await this.sign(chain, {
            n: state.checkpointN + 1,
            seq: last.seq,
            hash: last.hash,
            time: new Date(nowMs).toISOString(),
            keyLabel: this.options.signer.keyLabel,
            anomalySeq: state.anomalySeq,
            anomaly: state.anomaly,
          })
        : undefined;
      try {
        await this.options.storage.commit([{ chain, afterSeq: state.seq, rows, checkpoint }]);
      } catch (error) {
        this.chains.delete(chain);
        if (error instanceof AuditChainConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      this.chains.set(chain, {
        seq: last.seq,
        hash: last.hash,
        checkpointN: checkpoint?.n ?? state.checkpointN,
        checkpointSeq: checkpoint?.seq ?? state.checkpointSeq,
        checkpointAtMs: checkpoint ? nowMs : state.checkpointAtMs,
        anomalySeq: 0,
        anomaly: '',
      });
      return;
    }
  }

  private async sign(chain: string, unsigned: Omit<AuditCheckpoint, 'signature'>): Promise<AuditCheckpoint> {
    const signature = await this.options.signer.sign(checkpointPayload(chain, unsigned));
    return { ...unsigned, signature: Buffer.from(signature).toString('base64') };
  }

  /**
   * Takes a chain over from storage. A tail the last checkpoint does not account for (more records
   * after it than the policy lets a writer leave, fewer records than it covers, or a last record
   * that differs from it) cannot be vouched for: the next checkpoint says so, signed, so the chain
   * is not silently extended over records inserted or removed while no writer held it.
   */
  private async load(chain: string): Promise<ChainState> {
    const tail = await this.options.storage.tail(chain);
    const cp = tail.checkpoint;
    const sealed = cp?.seq ?? 0;
    let anomalySeq = 0;
    let anomaly = '';
    if (tail.seq < sealed) {
      anomalySeq = tail.seq + 1;
      anomaly = `records ${tail.seq + 1}..${sealed} covered by checkpoint ${cp?.n ?? 0} were missing`;
    } else if (tail.seq - sealed >= this.policy.everyRecords) {
      anomalySeq = sealed + 1;
      anomaly = `records ${sealed + 1}..${tail.seq} followed the last checkpoint`;
    } else if (cp && tail.seq === cp.seq && tail.hash !== cp.hash) {
      anomalySeq = cp.seq;
      anomaly = `record ${cp.seq} differed from checkpoint ${cp.n}`;
    }
    const state: ChainState = {
      seq: tail.seq,
      hash: tail.hash ?? GENESIS_HASH,
      checkpointN: cp?.n ?? 0,
      checkpointSeq: sealed,
      checkpointAtMs: cp ? Date.parse(cp.time) : 0,
      anomalySeq,
      anomaly,
    };
    this.chains.set(chain, state);
    return state;
  }
}

/** Only the contract's fields reach storage, whatever else a caller's object carries. */
function copyEntry(e: AuditEntry): Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'> {
  return {
    time: e.time,
    instanceId: e.instanceId,
    principalId: e.principalId,
    operation: e.operation,
    keyId: e.keyId,
    keyVersionId: e.keyVersionId,
    outcome: e.outcome,
    reason: e.reason,
    requestId: e.requestId,
    correlationId: e.correlationId,
    sourceIp: e.sourceIp,
  };
}

/** A `cursor` that no page of this log handed out. */
export class InvalidCursorError extends ApplicationError {
  constructor() {
    super('BAD_REQUEST_ERR', 'cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ s: seq })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown };
    if (typeof parsed.s === 'number' && Number.isSafeInteger(parsed.s) && parsed.s >= 0) return parsed.s;
  } catch {
    // falls through
  }
  throw new InvalidCursorError();
}
