/**
 * Durability of a SQLite file's commits, off the event loop. Every keyledger connection commits with
 * synchronous=NORMAL, which writes the commit's frames to the write-ahead log without an fsync; a writer
 * whose callers need their commit to survive a power loss then awaits {@link WalSync.durable}, an
 * fdatasync of the log in libuv's thread pool. That is what synchronous=FULL does inside the commit, but
 * FULL holds the event loop (and so every other request) for the whole fsync, about half a millisecond
 * here, once per commit; this lets the next group commit fill while one is being synced, and one fsync
 * serve every commit made before it started, across all the connections to the file.
 *
 * One exception: when the process says nothing else waits for the event loop ({@link SyncOnLoop}: the
 * local server answers one request only) and no fsync runs, the fsync runs on the loop itself. It then
 * holds up no one, and a round trip through the thread pool would only add its latency (about 100 µs
 * here; wrap at one connection went from 381 to 532 req/s in an A/B).
 *
 * Commits reach the log in order and each frame's checksum covers the ones before it, so after a power
 * loss SQLite recovers a prefix of the commits: a commit that is on disk implies every earlier one is.
 */
import { close, fdatasync, fdatasyncSync, open } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassQueue } from '../../pass-queue.ts';

const syncs = new Map<string, { sync: FileSync; users: number }>();

export interface WalSync {
  /** Resolves once every commit made on the file before the call is on disk; rejects if the fsync fails. */
  durable(): Promise<void>;
}

/** Whether nothing but the caller waits for the event loop now (then a log fsync may run on it). */
export type SyncOnLoop = () => boolean;

/** What the one owner of a file's connections (openSharedSqliteDatabase) sets on its log's sync. */
export interface WalSyncOptions {
  /** When an fsync may run on the event loop; without it every fsync runs in the thread pool. */
  readonly syncOnLoop?: SyncOnLoop | undefined;
  /** Hears each wait for an fsync that succeeded, in seconds, from the call of `durable()` (a metric). */
  readonly onSync?: ((seconds: number) => void) | undefined;
}

/**
 * The WAL sync of `file`, shared by every connection to it in this process (so concurrent writers share
 * fsyncs too); `release` once per call, when the connection closes.
 */
export function acquireWalSync(file: string, options: WalSyncOptions = {}): { sync: WalSync; release(): void } {
  const key = resolve(file);
  let entry = syncs.get(key);
  if (!entry) {
    entry = { sync: new FileSync(`${key}-wal`), users: 0 };
    syncs.set(key, entry);
  }
  if (options.syncOnLoop) entry.sync.syncOnLoop = options.syncOnLoop;
  if (options.onSync) entry.sync.onSync = options.onSync;
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    sync: held.sync,
    release: () => {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0) return;
      syncs.delete(key);
      held.sync.close();
    },
  };
}

/** For a connection with no file behind it (an in-memory database): nothing to sync. */
export const NO_WAL_SYNC: WalSync = { durable: () => Promise.resolve() };

class FileSync implements WalSync {
  private fd: Promise<number> | undefined;
  /** The descriptor once open and until closed: what an fsync on the event loop uses. */
  private openFd: number | undefined;
  /** One fsync in flight, at most one waiting: it starts once the running one ends, for the commits made since. */
  private readonly syncs = new PassQueue(() => this.sync());
  syncOnLoop: SyncOnLoop = () => false;
  onSync: ((seconds: number) => void) | undefined;

  constructor(private readonly walFile: string) {}

  durable(): Promise<void> {
    const started = performance.now();
    const fd = this.openFd;
    const synced =
      fd === undefined || this.syncs.busy || !this.syncOnLoop()
        ? this.syncs.request()
        : // A throw in the executor rejects the promise.
          new Promise<void>((done) => {
            fdatasyncSync(fd);
            done();
          });
    const onSync = this.onSync;
    if (!onSync) return synced;
    return synced.then(() => {
      try {
        onSync((performance.now() - started) / 1000);
      } catch {
        // A metric that fails must not report a durable write as failed.
      }
    });
  }

  close(): void {
    this.openFd = undefined;
    const fd = this.fd;
    if (!fd) return;
    // After any fsync in flight: closing its descriptor under it could sync another file that reused the number.
    void this.syncs
      .stop()
      .then(() => fd)
      .then(
        (n) => close(n, () => undefined),
        () => undefined,
      );
  }

  private async sync(): Promise<void> {
    const fd = await this.descriptor();
    await new Promise<void>((done, fail) => fdatasync(fd, (error) => (error ? fail(error) : done())));
  }

  /** The log is opened on first use: SQLite creates it with the first write, and keeps it while a connection is open. */
  private descriptor(): Promise<number> {
    this.fd ??= new Promise<number>((done, fail) =>
      open(this.walFile, 'r', (error, fd) => {
        if (error) return fail(error);
        this.openFd = fd;
        done(fd);
      }),
    );
    const fd = this.fd;
    fd.catch(() => {
      if (this.fd === fd) this.fd = undefined;
    });
    return fd;
  }
}
