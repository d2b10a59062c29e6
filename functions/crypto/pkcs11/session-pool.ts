import { HsmUnavailableError } from '../../../application/ports/hsm.ts';
import { ck, type Cryptoki, type Handle } from './cryptoki.ts';

const SESSION_FLAGS = ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION;

/**
 * A fixed set of R/W sessions on one token, leased one operation at a time, plus one session of the
 * event loop's own for blocking calls ({@link onEventLoop}).
 *
 * A PKCS#11 session runs one cryptographic operation at a time (C_EncryptInit .. C_Encrypt),
 * so each lease owns its session until the operation ends; parallelism comes from the number of
 * sessions (and libuv's worker threads, on which pkcs11js runs its *Async calls). Blocking calls
 * always use the event loop's session: one thread, one session, so what the HSM keeps per session
 * stays warm in that thread's CPU caches, and async work never waits for it.
 *
 * A session whose operation threw is closed and replaced: SoftHSM leaves some operations
 * active after an error (a GCM C_Encrypt rejected with CKR_ARGUMENTS_BAD makes the next
 * C_EncryptInit fail with CKR_OPERATION_ACTIVE, measured), and PKCS#11 2.40 has no way to
 * cancel one. Closing a session destroys the session objects it created, which is why
 * long-lived session objects (cached root keys) are created in a separate {@link SerialSession}.
 */
export class SessionPool {
  private readonly idle: Handle[] = [];
  private readonly waiters: Array<{ resolve: (session: Handle) => void; reject: (error: Error) => void }> = [];
  private live = 0;
  private closed = false;
  private loopSession: Handle | undefined;

  constructor(
    private readonly module: Cryptoki,
    private readonly slot: Handle,
    size: number,
  ) {
    for (let i = 0; i < size; i += 1) {
      this.idle.push(module.C_OpenSession(slot, SESSION_FLAGS));
      this.live += 1;
    }
    this.loopSession = module.C_OpenSession(slot, SESSION_FLAGS);
  }

  /** Runs `operation` on a leased session; the session returns to the pool (or is replaced) afterwards. */
  async use<T>(operation: (session: Handle) => Promise<T> | T): Promise<T> {
    const session = await this.acquire();
    let healthy = false;
    try {
      const result = await operation(session);
      healthy = true;
      return result;
    } finally {
      if (healthy) this.release(session);
      else this.replace(session);
    }
  }

  /**
   * Runs a blocking `operation` at once on the event loop's session (no promise in between). A
   * failed operation closes the session and the next call opens another (see the class comment).
   */
  onEventLoop<T>(operation: (session: Handle) => T): T {
    if (this.closed) throw new HsmUnavailableError('HSM closed');
    this.loopSession ??= this.module.C_OpenSession(this.slot, SESSION_FLAGS);
    const session = this.loopSession;
    try {
      return operation(session);
    } catch (error) {
      this.loopSession = undefined;
      this.closeQuietly(session);
      throw error;
    }
  }

  /** Closes every session; callers drain their operations first. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new HsmUnavailableError('HSM closed'));
    for (const session of this.idle.splice(0)) this.closeQuietly(session);
    if (this.loopSession !== undefined) this.closeQuietly(this.loopSession);
    this.loopSession = undefined;
    this.live = 0;
  }

  private acquire(): Promise<Handle> {
    if (this.closed) return Promise.reject(new HsmUnavailableError('HSM closed'));
    const session = this.idle.pop();
    if (session !== undefined) return Promise.resolve(session);
    if (this.live === 0) return Promise.reject(new HsmUnavailableError('no PKCS#11 session available'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(session: Handle): void {
    if (this.closed) {
      this.closeQuietly(session);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(session);
    else this.idle.push(session);
  }

  private replace(session: Handle): void {
    this.closeQuietly(session);
    if (this.closed) return;
    try {
      this.release(this.module.C_OpenSession(this.slot, SESSION_FLAGS));
    } catch {
      // The token is failing; shrink rather than spin. With no session left, waiters fail.
      this.live -= 1;
      if (this.live === 0) {
        for (const waiter of this.waiters.splice(0))
          waiter.reject(new HsmUnavailableError('no PKCS#11 session available'));
      }
    }
  }

  private closeQuietly(session: Handle): void {
    try {
      this.module.C_CloseSession(session);
    } catch {
      // Already gone (token removed, module finalised): nothing left to release.
    }
  }
}

/**
 * One session used by one caller at a time (a promise chain), for work whose results must
 * outlive any pooled session: it logs in for the application and owns the cached, unwrapped
 * root keys. It is never replaced, so its session objects live until {@link close}.
 */
export class SerialSession {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly module: Cryptoki,
    readonly session: Handle,
  ) {}

  static open(module: Cryptoki, slot: Handle): SerialSession {
    return new SerialSession(module, module.C_OpenSession(slot, SESSION_FLAGS));
  }

  /** Runs `operation` after every earlier one has settled. */
  run<T>(operation: (session: Handle) => Promise<T> | T): Promise<T> {
    const result = this.tail.then(() => operation(this.session));
    this.tail = result.catch(() => undefined);
    return result;
  }

  close(): void {
    try {
      this.module.C_CloseSession(this.session);
    } catch {
      // See SessionPool.closeQuietly.
    }
  }
}
