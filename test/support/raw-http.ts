import { connect } from 'node:net';

/** An HTTP answer as read off the socket: status, lower-cased headers, body text. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Sends `request` byte for byte over a fresh TCP connection and reads one response (until the body's
 * content-length is in, or the server closes). For requests `fetch` refuses to send: malformed
 * percent-encoding, `//` paths, CONNECT, broken chunked bodies. Null when the server closed the
 * connection without answering.
 */
export function rawRequest(url: string, request: string | Buffer, timeoutMs = 10_000): Promise<RawResponse | null> {
  const { hostname, port } = new URL(url);
  // The answer to HEAD has a content-length but no body.
  const head = (typeof request === 'string' ? request : request.toString('latin1', 0, 5)).startsWith('HEAD ');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms:\n${data.toString('latin1')}`));
    }, timeoutMs);
    const finish = (value: RawResponse | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const parsed = (): RawResponse | undefined => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = data.subarray(end + 4);
      const length = head ? 0 : Number(headers['content-length'] ?? NaN);
      if (Number.isFinite(length) && body.length < length) return undefined;
      return {
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: body.subarray(0, Number.isFinite(length) ? length : body.length).toString('utf8'),
      };
    };
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const response = parsed();
      if (response && response.headers['content-length'] !== undefined) finish(response);
    });
    socket.on('close', () => finish(parsed() ?? null));
    socket.on('error', () => finish(parsed() ?? null));
    socket.write(request);
  });
}

/** The reason code of a Key Protect error body, if the text is one. */
export function reasonIn(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { resources?: { reasons?: { code?: string }[] }[] };
    return parsed.resources?.[0]?.reasons?.[0]?.code;
  } catch {
    return undefined;
  }
}
