/**
 * Progress of a long operation (a read-model rebuild, an audit verify, paging through a trail) on
 * stderr, only when stderr is a terminal: piped or redirected, the command stays quiet and its
 * stdout carries the result alone. One line, redrawn at most ten times a second.
 */
export class Progress {
  private readonly enabled: boolean;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private text = '';
  private frame = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = stream.isTTY === true && process.env.TERM !== 'dumb';
  }

  /** Shows `text` (with a spinner and the time elapsed) until the next update or `done`. */
  update(text: string): void {
    if (!this.enabled) return;
    this.text = text;
    this.timer ??= setInterval(() => this.draw(), 100).unref();
    this.draw();
  }

  /** Shows `text` while `work` runs, and clears the line however it ends. */
  async during<T>(text: string, work: () => Promise<T>): Promise<T> {
    this.update(text);
    try {
      return await work();
    } finally {
      this.done();
    }
  }

  /** Clears the line; `summary`, if given, stays on it. */
  done(summary?: string): void {
    if (!this.enabled) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stream.write(`\r\x1b[2K${summary ? `${summary}\n` : ''}`);
  }

  private draw(): void {
    const spinner = '|/-\\'[this.frame++ % 4] ?? '|';
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const columns = this.stream.columns || 80;
    this.stream.write(`\r\x1b[2K${`${spinner} ${this.text} (${seconds} s)`.slice(0, columns - 1)}`);
  }
}
