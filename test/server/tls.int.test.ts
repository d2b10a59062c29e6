/**
 * TLS on the local server: with KEYLEDGER_TLS_CERT and KEYLEDGER_TLS_KEY set (a self-signed
 * certificate made here with the openssl CLI), the banner says https://, /health and the token
 * exchange answer over TLS to a client that trusts the certificate, and plain HTTP is not served.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type ServerProcess } from '../support/local-server.ts';

function httpsRequest(
  url: string,
  ca: Buffer,
  method = 'GET',
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      const protocol = (res.socket as { getProtocol?: () => string | null } | null)?.getProtocol?.() ?? '';
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), protocol }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('TLS on the local server', () => {
  let dir: string;
  let server: ServerProcess;
  let cert: Buffer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyledger-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'));
    server = await startServer({
      KEYLEDGER_TLS_CERT: join(dir, 'cert.pem'),
      KEYLEDGER_TLS_KEY: join(dir, 'key.pem'),
      KEYLEDGER_ADMIN_API_KEY: 'tls-admin-key-0123456789abcdef0123',
    });
  });
  after(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces https:// and serves /health and the token exchange over TLS', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await httpsRequest(`${server.url}/health`, cert);
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { status: 'ok' });
    assert.match(health.protocol, /^TLSv1\.[23]$/);
    const token = await httpsRequest(
      `${server.url}/identity/token`,
      cert,
      'POST',
      new URLSearchParams({
        grant_type: 'urn:ibm:params:oauth:grant-type:apikey',
        apikey: 'tls-admin-key-0123456789abcdef0123',
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    assert.equal(token.status, 200);
  });

  it('does not answer plain HTTP, and an untrusting client refuses the certificate', async () => {
    const plain = server.url.replace('https://', 'http://');
    await assert.rejects(fetch(`${plain}/health`));
    await assert.rejects(fetch(`${server.url}/health`));
  });
});
