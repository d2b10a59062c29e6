import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CONSOLE_FILES, CONSOLE_HEADERS, consoleCsp } from '../console/src/site.ts';

type Result = APIGatewayProxyStructuredResultV2;

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/**
 * The web console at /console: the files scripts/build-console.mjs built (loaded once, at start)
 * and `config.json`, which tells the console that the API is this server and which instance to
 * offer first. Static files are probes, not API requests: they are not audited.
 */
export class ConsoleSite {
  private constructor(private readonly assets: ReadonlyMap<string, Asset>) {}

  /** The built console in `dir`; without one (a server run from source, not its bundle) /console says so. */
  static load(dir: string, defaultInstanceId: string): ConsoleSite {
    const assets = new Map<string, Asset>();
    const add = (name: string, body: Buffer, type: string) =>
      assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    if (existsSync(join(dir, 'index.html')))
      for (const [name, type] of Object.entries(CONSOLE_FILES)) add(name, readFileSync(join(dir, name)), type);
    add(
      'config.json',
      Buffer.from(JSON.stringify({ apiUrl: '', defaultInstance: defaultInstanceId })),
      'application/json',
    );
    return new ConsoleSite(assets);
  }

  /** The answer for `path` when it is the console's, else null. */
  serve(path: string, ifNoneMatch: string | undefined): Result | null {
    if (path === '/console') return { statusCode: 301, headers: { location: '/console/' } };
    // The API reference: a page of the console that renders GET /openapi.json.
    if (path === '/docs' || path === '/docs/')
      return { statusCode: 302, headers: { location: '/console/reference.html' } };
    if (!path.startsWith('/console/')) return null;
    const asset = this.assets.get(path.slice('/console/'.length) || 'index.html');
    const headers = { ...CONSOLE_HEADERS, 'content-security-policy': consoleCsp(), 'cache-control': 'no-cache' };
    if (!asset)
      return {
        statusCode: 404,
        headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
        body: this.assets.has('index.html')
          ? 'Not found\n'
          : 'The console is not built: run the server with npm start.\n',
      };
    if (ifNoneMatch === asset.etag) return { statusCode: 304, headers: { ...headers, etag: asset.etag } };
    return {
      statusCode: 200,
      headers: { ...headers, 'content-type': asset.type, etag: asset.etag },
      body: asset.body.toString('base64'),
      isBase64Encoded: true,
    };
  }
}
