/**
 * The audit commit thread's entry: its own connection to the database file, running
 * {@link auditCommitter} for each message. The fsync of a commit (synchronous=FULL) then blocks this
 * thread, not the event loop, so requests keep flowing and queue into the next group commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AuditChainConflictError } from '../../../application/ports/audit-storage.ts';
import { openSqliteConnection } from '../../store/sqlite/open-database.ts';
import { auditCommitter } from './audit-commit.ts';
import type { CommitReply, CommitRequest } from './sqlite-audit-commit-thread.ts';

const port = parentPort;
if (!port) throw new Error('audit-commit-worker runs as a worker thread');
const { file } = workerData as { file: string };
const connection = openSqliteConnection({ file });
const commit = auditCommitter(connection.db);

port.on('message', (request: CommitRequest) => {
  let reply: CommitReply;
  try {
    commit(request.writes);
    reply = { id: request.id };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = {
      id: request.id,
      error: {
        name: e.name,
        message: e.message,
        code: (e as { code?: unknown }).code,
        chain: error instanceof AuditChainConflictError ? error.chain : undefined,
      },
    };
  }
  port.postMessage(reply);
});
port.on('close', () => connection.release());
