/**
 * Runs SQLite audit commits on a worker thread with its own connection to the same file. A commit
 * resolves once the worker's transaction has committed (synchronous=FULL: durable), exactly as an
 * in-thread commit would; only the wait for the disk moves off the event loop.
 */
import { Worker } from 'node:worker_threads';
import { AuditChainConflictError, type AuditChainWrite } from '../../../application/ports/audit-storage.ts';

export interface CommitRequest {
  readonly id: number;
  readonly writes: readonly AuditChainWrite[];
}

export interface CommitReply {
  readonly id: number;
  readonly error?: { name: string; message: string; code: unknown; chain: string | undefined };
}

export interface AuditCommitThread {
  commit(writes: readonly AuditChainWrite[]): Promise<void>;
  close(): Promise<void>;
}

// From source the worker is the .ts sibling, loaded through tsx; in the server bundle
// (scripts/build-server.mjs) it is the .mjs entry built next to it.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER = new URL(FROM_SOURCE ? './audit-commit-worker.ts' : './audit-commit-worker.mjs', import.meta.url);

function spawnWorker(file: string): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER, { workerData: { file } });
  // A worker does not inherit tsx's module hooks: it registers them, then loads the entry.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER.href)}); })`;
  return new Worker(boot, { eval: true, workerData: { file } });
}

export function startAuditCommitThread(file: string): AuditCommitThread {
  const worker = spawnWorker(file);
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let nextId = 1;
  let failure: Error | null = null;
  worker.unref();

  const settle = (reply: CommitReply): void => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (!reply.error) return waiter.resolve();
    const { name, message, code, chain } = reply.error;
    if (name === 'AuditChainConflictError' && chain !== undefined)
      return waiter.reject(new AuditChainConflictError(chain));
    waiter.reject(Object.assign(new Error(message), { name, code }));
  };
  const failAll = (error: Error): void => {
    failure ??= error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('message', settle);
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the audit commit thread exited (${code})`)));

  return {
    commit(writes) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // Held open while a commit is in flight, so a process awaiting one does not exit under it.
        worker.ref();
        worker.postMessage({ id, writes } satisfies CommitRequest);
      });
    },
    async close() {
      failure ??= new Error('the audit storage is closed');
      await worker.terminate();
    },
  };
}
