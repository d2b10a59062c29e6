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

/** Default of KEYLEDGER_AUDIT_SEAL_INTERVAL_MS. */
export const DEFAULT_SEAL_INTERVAL_MS = 100;

export interface ChainedAuditLogOptions {
  readonly storage: AuditStorage;
  readonly signer: CheckpointSigner;
  /**
   * Most time, in ms, from a record becoming durable to the start of the HSM-signed checkpoint that
   * seals it, off the request path. 0: each commit carries its checkpoint, so a record's caller is
   * answered only once it is sealed. Sealing by time needs the chain's only writer (the local
   * server); concurrent writers (Lambda instances, frozen between invocations) seal every commit.
   */
  readonly sealIntervalMs: number;
  /** A seal that failed; it is tried again an interval later (the records stay durable and hash-chained). */
  readonly onSealError?: ((chain: string, error: unknown) => void) | undefined;
  readonly now?: (() => Date) | undefined;
}

interface Pending {
  readonly entry: AuditEntry;
  resolve(): void;
  reject(error: unknown): void;
}

/** What this writer knows of a chain it holds. Mutable: commits and seals move it forward. */
interface ChainState {
  /** The durable head: the last record committed. */
  seq: number;
  hash: string;
  /** Rows of the commit in flight (they may be durable before it resolves). */
  inFlight: readonly AuditRecord[];
  /** The last checkpoint. */
  checkpointN: number;
  sealedSeq: number;
  /** Whether records may follow the last checkpoint unsealed: it is not final, or there is none. */
  open: boolean;
  /** When the oldest record after `sealedSeq` became durable (ms), or null when all are sealed. */
  unsealedSince: number | null;
  timer: ReturnType<typeof setTimeout> | null;
  sealing: Promise<void> | null;
  /** A commit failed: the next use re-reads the tail, checking it against what this writer wrote. */
  stale: boolean;
}

type Unsigned = Omit<AuditCheckpoint, 'signature'>;

const MAX_ATTEMPTS = 8;

/**
 * The audit trail over an {@link AuditStorage}: hash-chained per instance, HSM-signed checkpoints,
 * and group commit. `record` queues the entry; one drain loop at a time takes everything queued (up
 * to one storage transaction's worth per chain), chains it, and commits each chain in one
 * transaction. Each `record` resolves only after its own transaction committed, and rejects if it
 * did not. Checkpoints seal each chain's head `sealIntervalMs` after its oldest unsealed record
 * became durable (or in each commit, with 0), and every held chain at `close`.
 */
export class ChainedAuditLog implements AuditLog {
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  private readonly chains = new Map<string, ChainState>();
  private readonly interval: number;
  private readonly now: () => Date;

  constructor(private readonly options: ChainedAuditLogOptions) {
    this.interval = options.sealIntervalMs;
    if (!Number.isFinite(this.interval) || this.interval < 0) throw new RangeError('sealIntervalMs must be >= 0');
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
      writer: () => {
        const state = this.chains.get(instanceId);
        return state && !state.stale ? { seq: state.seq, hash: state.hash, inFlight: state.inFlight } : undefined;
      },
    });
  }

  readBack(chain: string, beforeSeq: number | null, limit: number) {
    return this.options.storage.readBack(chain, beforeSeq, limit);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushed();
    if (this.interval > 0) await Promise.all([...this.chains.keys()].map((chain) => this.sealAtClose(chain)));
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
        // slower: it splits batches.)
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
      const held = this.chains.get(chain);
      const state = held && !held.stale ? held : await this.load(chain, held);
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
      // Sealing every commit: the checkpoint commits with the rows. Sealing by time: a chain whose last
      // checkpoint closed it is opened first, in the same transaction, so that a tail found after a
      // final checkpoint always means records were added behind the writer's back.
      const checkpoint =
        this.interval === 0
          ? await this.sign(chain, this.unsigned(state, last.seq, last.hash, { final: true }))
          : !state.open
            ? await this.sign(chain, this.unsigned(state, state.seq, state.hash, { final: false }))
            : undefined;
      state.inFlight = rows;
      try {
        await this.options.storage.commit([{ chain, afterSeq: state.seq, rows, checkpoint }]);
      } catch (error) {
        state.stale = true;
        if (error instanceof AuditChainConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      state.inFlight = [];
      state.seq = last.seq;
      state.hash = last.hash;
      if (checkpoint) this.sealedBy(state, checkpoint);
      if (state.seq === state.sealedSeq) state.unsealedSince = null;
      else {
        state.unsealedSince ??= Date.now();
        this.scheduleSeal(chain, state);
      }
      return;
    }
  }

  private unsigned(
    state: ChainState,
    seq: number,
    hash: string,
    fields: Partial<Pick<AuditCheckpoint, 'final' | 'anomalySeq' | 'anomaly' | 'adoptedFromSeq'>>,
  ): Unsigned {
    return {
      n: state.checkpointN + 1,
      seq,
      hash,
      time: this.now().toISOString(),
      keyLabel: this.options.signer.keyLabel,
      anomalySeq: 0,
      anomaly: '',
      final: false,
      adoptedFromSeq: 0,
      ...fields,
    };
  }

  private sealedBy(state: ChainState, checkpoint: AuditCheckpoint): void {
    state.checkpointN = checkpoint.n;
    state.sealedSeq = checkpoint.seq;
    state.open = !checkpoint.final;
  }

  private async sign(chain: string, unsigned: Unsigned): Promise<AuditCheckpoint> {
    const signature = await this.options.signer.sign(checkpointPayload(chain, unsigned));
    return { ...unsigned, signature: Buffer.from(signature).toString('base64') };
  }

  /** Seals the chain's head `interval` after its oldest unsealed record became durable (at once if overdue). */
  private scheduleSeal(chain: string, state: ChainState, delayMs?: number): void {
    if (this.interval === 0 || state.timer || state.sealing || this.closed) return;
    const due = delayMs ?? (state.unsealedSince ?? Date.now()) + this.interval - Date.now();
    state.timer = setTimeout(
      () => {
        state.timer = null;
        this.seal(chain, state, false);
      },
      Math.max(0, due),
    );
    // An idle process may exit with records unsealed: they are durable, and the next writer adopts them.
    state.timer.unref();
  }

  /**
   * Starts sealing the durable head (one seal per chain at a time). Records that become durable
   * meanwhile start the clock of the next seal.
   */
  private seal(chain: string, state: ChainState, final: boolean): void {
    if (state.sealing) return;
    const run = async (): Promise<void> => {
      const { seq, hash } = state;
      const since = state.unsealedSince;
      state.unsealedSince = null;
      let failed = false;
      try {
        const checkpoint = await this.sign(chain, this.unsigned(state, seq, hash, { final }));
        await this.options.storage.commit([{ chain, afterSeq: seq, rows: [], checkpoint }]);
        if (this.chains.get(chain) === state) this.sealedBy(state, checkpoint);
      } catch (error) {
        failed = true;
        state.unsealedSince = since;
        // A conflict means the chain moved behind this writer's back: the next commit re-reads and reports it.
        if (error instanceof AuditChainConflictError) state.stale = true;
        else this.options.onSealError?.(chain, error);
      }
      state.sealing = null;
      if (final) return;
      if (failed) this.scheduleSeal(chain, state, this.interval);
      else if (state.seq > state.sealedSeq) this.scheduleSeal(chain, state);
    };
    state.sealing = run();
  }

  /** A final checkpoint over the head of a chain this writer sealed by time, so the next writer knows it stopped cleanly. */
  private async sealAtClose(chain: string): Promise<void> {
    let state = this.chains.get(chain);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    await state.sealing;
    try {
      if (state.stale) state = await this.load(chain, state);
      if (!state.open && state.seq === state.sealedSeq) return;
      this.seal(chain, state, true);
      await state.sealing;
    } catch (error) {
      this.options.onSealError?.(chain, error);
    }
  }

  /**
   * Takes a chain over from storage. Records this writer cannot vouch for are reported in a
   * checkpoint written at once, signed: records it wrote that are missing or differ, records after
   * its own head that it did not write, records after a final checkpoint, fewer records than the
   * last checkpoint covers, or a last record that differs from it. An unsealed tail after a
   * checkpoint that was not final (the writer before stopped without its final seal: a crash) is
   * adopted: sealed at once, the checkpoint saying from which seq.
   */
  private async load(chain: string, known?: ChainState): Promise<ChainState> {
    for (let attempt = 1; ; attempt++) {
      const tail = await this.options.storage.tail(chain);
      const cp = tail.checkpoint;
      const tailHash = tail.hash ?? GENESIS_HASH;
      const sealed = cp?.seq ?? 0;
      // A commit that failed may have been written after all: its rows are this writer's too.
      const own = known?.inFlight.find((r) => r.seq === tail.seq && r.hash === tailHash);
      const knownSeq = own ? own.seq : (known?.seq ?? 0);
      const vouched = Math.max(sealed, knownSeq);
      let anomalySeq = 0;
      let anomaly = '';
      let adoptedFromSeq = 0;
      if (known && tail.seq < known.seq) {
        anomalySeq = tail.seq + 1;
        anomaly = `records ${tail.seq + 1}..${known.seq} written by this writer were missing`;
      } else if (tail.seq < sealed) {
        anomalySeq = tail.seq + 1;
        anomaly = `records ${tail.seq + 1}..${sealed} covered by checkpoint ${cp?.n ?? 0} were missing`;
      } else if (known && !own && tail.seq === known.seq && tailHash !== known.hash) {
        anomalySeq = known.seq;
        anomaly = `record ${known.seq} differed from what this writer wrote`;
      } else if (cp && tail.seq === cp.seq && tailHash !== cp.hash) {
        anomalySeq = cp.seq;
        anomaly = `record ${cp.seq} differed from checkpoint ${cp.n}`;
      } else if (tail.seq > vouched) {
        if (!known && !cp?.final) adoptedFromSeq = vouched + 1;
        else {
          anomalySeq = vouched + 1;
          anomaly = known
            ? `records ${vouched + 1}..${tail.seq} were not written by this writer`
            : `records ${vouched + 1}..${tail.seq} followed checkpoint ${cp?.n ?? 0}, which closed the chain`;
        }
      }
      const state: ChainState = {
        seq: tail.seq,
        hash: tailHash,
        inFlight: [],
        checkpointN: cp?.n ?? 0,
        sealedSeq: sealed,
        open: !cp?.final,
        unsealedSince: tail.seq > sealed ? (known?.unsealedSince ?? Date.now()) : null,
        timer: null,
        sealing: null,
        stale: false,
      };
      if (anomalySeq > 0 || adoptedFromSeq > 0) {
        const checkpoint = await this.sign(
          chain,
          this.unsigned(state, state.seq, state.hash, {
            final: this.interval === 0,
            anomalySeq,
            anomaly,
            adoptedFromSeq,
          }),
        );
        try {
          await this.options.storage.commit([{ chain, afterSeq: state.seq, rows: [], checkpoint }]);
        } catch (error) {
          if (error instanceof AuditChainConflictError && attempt < MAX_ATTEMPTS) continue;
          throw error;
        }
        this.sealedBy(state, checkpoint);
        state.unsealedSince = null;
      }
      if (known?.timer) clearTimeout(known.timer);
      this.chains.set(chain, state);
      if (state.unsealedSince !== null) this.scheduleSeal(chain, state);
      return state;
    }
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
