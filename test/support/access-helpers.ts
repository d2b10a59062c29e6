import assert from 'node:assert/strict';
import { tokenFor, type ServerProcess } from './local-server.ts';

/** Small HTTP helpers for the access tests: the admin API and raw Key Protect requests. */
export interface Res {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export async function call(
  server: ServerProcess,
  token: string,
  method: string,
  path: string,
  options: { instanceId?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Res> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.instanceId ? { 'bluemix-instance': options.instanceId } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // keep text
  }
  return { status: res.status, body, headers: res.headers };
}

export function reasonOf(res: Res): string | undefined {
  return (res.body as { resources?: { reasons?: { code?: string }[] }[] } | null)?.resources?.[0]?.reasons?.[0]?.code;
}

export class Admin {
  private constructor(
    readonly server: ServerProcess,
    readonly token: string,
  ) {}

  static async connect(server: ServerProcess): Promise<Admin> {
    return new Admin(server, await tokenFor(server.url, server.adminApiKey));
  }

  async createInstance(name: string): Promise<string> {
    const res = await call(this.server, this.token, 'POST', '/admin/v1/instances', { body: { name } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return (res.body as { id: string }).id;
  }

  async createPrincipal(name: string): Promise<{ id: string; apiKey: string }> {
    const res = await call(this.server, this.token, 'POST', '/admin/v1/principals', { body: { name } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; apiKey: string };
  }

  async grant(
    instanceId: string,
    body: { principalId: string; role: string; keyRingId?: string; keyId?: string },
  ): Promise<string> {
    const res = await call(this.server, this.token, 'POST', `/admin/v1/instances/${instanceId}/access`, { body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return (res.body as { id: string }).id;
  }

  async createKeyRing(instanceId: string, ringId: string): Promise<void> {
    const res = await call(this.server, this.token, 'POST', `/api/v2/key_rings/${ringId}`, { instanceId });
    assert.equal(res.status, 201, `create key ring ${ringId}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async createKey(
    instanceId: string,
    name: string,
    options: { ring?: string; payload?: string } = {},
  ): Promise<string> {
    const res = await call(this.server, this.token, 'POST', '/api/v2/keys', {
      instanceId,
      headers: options.ring ? { 'x-kms-key-ring': options.ring } : {},
      body: {
        metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
        resources: [
          {
            type: 'application/vnd.ibm.kms.key+json',
            name,
            extractable: options.payload !== undefined,
            ...(options.payload ? { payload: options.payload } : {}),
          },
        ],
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return (res.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
  }
}

/** A path of the route table with its parameters filled in. */
export function fillPath(path: string, values: { id: string; keyRingId: string }): string {
  return path
    .replace(/\{id\}/g, values.id)
    .replace(/\{keyRingId\}/g, values.keyRingId)
    .replace(/\{[^}]+\}/g, 'x-param');
}
