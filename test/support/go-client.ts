import { randomUUID } from 'node:crypto';

/**
 * Requests shaped exactly as IBM's Go client (`IBM/keyprotect-go-client`, which Terraform's `ibm_kms_*`
 * resources and `ibmcloud kp` are built on) shapes them, sent as plain HTTP: `accept: application/json`,
 * `bluemix-instance`, `authorization`, a `correlation-id` on every call, `x-kms-key-ring` on every call of
 * a client configured with a key ring, **no content type**, bodies marshalled by Go's `encoding/json` (its
 * struct field order, empty fields omitted, a typed nil pointer sent as the four bytes `null`, field
 * names as Go's tags spell them: `Tags`, `KeyRingID`), and query strings as `url.Values.Encode` writes
 * them (keys sorted, spaces as `+`). Written from the client's source (keys.go, listkeys.go, policy.go,
 * key_rings.go, key_alias.go, registrations.go, import_token.go, kp.go); nothing here is keyledger's.
 */
export interface GoResponse {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  /** The body parsed as JSON (undefined when empty). */
  readonly body: unknown;
}

const KEY_TYPE = 'application/vnd.ibm.kms.key+json';
const POLICY_TYPE = 'application/vnd.ibm.kms.policy+json';

/** `url.QueryEscape`: everything but unreserved characters escaped, space as `+`. */
function queryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** `url.Values.Encode`: sorted by key. */
export function goQuery(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((k) => `${queryEscape(k)}=${queryEscape(values[k] as string)}`)
    .join('&');
}

/** Go's `json.Marshal` for the plain values used here (Go escapes <, > and & as \u003c, \u003e, \u0026). */
function marshal(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** The options of `CreateKeyWithOptions` (keys.go), in the order their fields appear in `Key`. */
export interface GoKeyOptions {
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly aliases?: readonly string[];
  readonly expiration?: string;
  readonly payload?: string;
  readonly encryptedNonce?: string;
  readonly iv?: string;
  readonly sha1?: boolean;
}

/** Go's `Policy` for create-with-overrides: `Rotation{Enabled *bool, Interval int}`, `DualAuth{Enabled *bool}`. */
export interface GoPolicy {
  readonly rotation?: { readonly enabled?: boolean; readonly interval: number };
  readonly dualAuth?: { readonly enabled?: boolean };
}

/** `ListKeysOptions` (listkeys.go). */
export interface GoListKeysOptions {
  readonly limit?: number;
  readonly offset?: number;
  readonly state?: readonly number[];
  readonly extractable?: boolean;
  readonly search?: string;
  readonly sort?: string;
  readonly filter?: string;
}

export class GoKeyProtectClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly instanceId: string,
    /** `Config.KeyRing`: sent as `x-kms-key-ring` on every call when set. */
    readonly keyRing = '',
  ) {}

  /** The same client configured with another key ring (Terraform builds one per resource). */
  withKeyRing(keyRing: string): GoKeyProtectClient {
    return new GoKeyProtectClient(this.baseUrl, this.token, this.instanceId, keyRing);
  }

  /**
   * `newRequest` + `do`: `body` undefined sends no body; anything else is marshalled (so `null` is the
   * four bytes `null`, as a typed nil pointer is).
   */
  async request(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<GoResponse> {
    const query = options.query && Object.keys(options.query).length > 0 ? `?${goQuery(options.query)}` : '';
    const headers: Record<string, string> = {
      accept: 'application/json',
      'bluemix-instance': this.instanceId,
      authorization: `Bearer ${this.token}`,
      'correlation-id': randomUUID(),
      'user-agent': 'Go-http-client/1.1',
      ...(this.keyRing !== '' ? { 'x-kms-key-ring': this.keyRing } : {}),
      ...options.headers,
    };
    const res = await fetch(`${this.baseUrl}/api/v2/${path}${query}`, {
      method,
      headers,
      // Bytes, not a string: fetch would otherwise add a text/plain content type, which Go never sends.
      ...(options.body === undefined ? {} : { body: Buffer.from(marshal(options.body)) }),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      body = text;
    }
    return { status: res.status, text, headers: res.headers, body };
  }

  /** The `Key` struct's marshalled form for a create (keys.go `CreateKeyWithOptions` + options). */
  static keyResource(name: string, extractable: boolean, o: GoKeyOptions = {}, policy?: GoPolicy): object {
    const secure = !extractable && (Boolean(o.encryptedNonce) || Boolean(o.iv));
    return {
      name,
      ...(o.description ? { description: o.description } : {}),
      type: KEY_TYPE,
      ...(o.tags && o.tags.length > 0 ? { Tags: o.tags } : {}),
      ...(o.aliases && o.aliases.length > 0 ? { aliases: o.aliases } : {}),
      extractable,
      ...(o.expiration ? { expirationDate: o.expiration } : {}),
      ...(o.payload ? { payload: o.payload } : {}),
      ...(secure ? { encryptionAlgorithm: o.sha1 ? 'RSAES_OAEP_SHA_1' : 'RSAES_OAEP_SHA_256' } : {}),
      ...(!extractable && o.encryptedNonce ? { encryptedNonce: o.encryptedNonce } : {}),
      ...(!extractable && o.iv ? { iv: o.iv } : {}),
      ...(policy?.dualAuth ? { dualAuthDelete: dualAuth(policy.dualAuth) } : {}),
      ...(policy?.rotation
        ? // Interval 0 is sent as -1 on purpose, so that the server names the range error.
          { rotation: rotation({ ...policy.rotation, interval: policy.rotation.interval || -1 }) }
        : {}),
    };
  }

  /** `createKeyResource`: the key collection envelope with one resource. */
  private createKeyResource(resource: object, path: string): Promise<GoResponse> {
    return this.request('POST', path, {
      body: { metadata: { collectionType: KEY_TYPE, collectionTotal: 1 }, resources: [resource] },
    });
  }

  createKey(name: string, extractable: boolean, options: GoKeyOptions = {}): Promise<GoResponse> {
    return this.createKeyResource(GoKeyProtectClient.keyResource(name, extractable, options), 'keys');
  }

  /** `CreateKeyWithPolicyOverridesWithOptions`. */
  createKeyWithPolicyOverrides(
    name: string,
    extractable: boolean,
    policy: GoPolicy,
    options: GoKeyOptions = {},
  ): Promise<GoResponse> {
    return this.createKeyResource(
      GoKeyProtectClient.keyResource(name, extractable, options, policy),
      'keys_with_policy_overrides',
    );
  }

  /** `GetKeys(limit, offset)`: both always sent, limit 0 meaning 2000. */
  getKeys(limit: number, offset: number): Promise<GoResponse> {
    return this.request('GET', 'keys', { query: { limit: String(limit || 2000), offset: String(offset) } });
  }

  /** `ListKeys`: each option only when set; `search` gets a comma appended (`fmt.Sprint(search, ",")`). */
  listKeys(o: GoListKeysOptions): Promise<GoResponse> {
    const query: Record<string, string> = {};
    if (o.limit !== undefined) query.limit = String(o.limit);
    if (o.offset !== undefined) query.offset = String(o.offset);
    if (o.state !== undefined) query.state = o.state.join(',');
    if (o.extractable !== undefined) query.extractable = String(o.extractable);
    if (o.search !== undefined) query.search = `${o.search},`;
    if (o.sort !== undefined) query.sort = o.sort;
    if (o.filter !== undefined) query.filter = o.filter;
    return this.request('GET', 'keys', { query });
  }

  getKey(idOrAlias: string): Promise<GoResponse> {
    return this.request('GET', `keys/${idOrAlias}`);
  }

  getKeyMetadata(idOrAlias: string): Promise<GoResponse> {
    return this.request('GET', `keys/${idOrAlias}/metadata`);
  }

  /** `SetKeyRing`: an anonymous struct without json tags, so the field is spelt `KeyRingID`. */
  setKeyRing(idOrAlias: string, keyRing: string): Promise<GoResponse> {
    return this.request('PATCH', `keys/${idOrAlias}`, { body: { KeyRingID: keyRing } });
  }

  /** `DeleteKey(id, prefer, WithForce?)`: `Prefer` always, `force` only with the option. */
  deleteKey(
    idOrAlias: string,
    prefer: 'return=minimal' | 'return=representation',
    force?: boolean,
  ): Promise<GoResponse> {
    return this.request('DELETE', `keys/${idOrAlias}`, {
      headers: { Prefer: prefer },
      ...(force === undefined ? {} : { query: { force: String(force) } }),
    });
  }

  /** `RotateV2(id, nil)` sends `null`; with a payload, the `KeysActionRequest` fields that are set. */
  rotateV2(
    idOrAlias: string,
    payload?: { payload: string; encryptedNonce?: string; iv?: string; encryptionAlgorithm?: string },
  ): Promise<GoResponse> {
    return this.request('POST', `keys/${idOrAlias}/actions/rotate`, {
      body: payload === undefined ? null : { ...payload },
    });
  }

  /** `DisableKey`, `EnableKey`, `InitiateDualAuthDelete`, `CancelDualAuthDelete`: body `null`. */
  keyAction(idOrAlias: string, action: 'disable' | 'enable' | 'setKeyForDeletion' | 'unsetKeyForDeletion') {
    return this.request('POST', `keys/${idOrAlias}/actions/${action}`, { body: null });
  }

  /** `ListKeyVersions`: each option only when set. */
  listKeyVersions(
    idOrAlias: string,
    o: { limit?: number; offset?: number; totalCount?: boolean; allKeyStates?: boolean } = {},
  ): Promise<GoResponse> {
    const query: Record<string, string> = {};
    if (o.limit !== undefined) query.limit = String(o.limit);
    if (o.offset !== undefined) query.offset = String(o.offset);
    if (o.totalCount !== undefined) query.totalCount = String(o.totalCount);
    if (o.allKeyStates !== undefined) query.allKeyStates = String(o.allKeyStates);
    return this.request('GET', `keys/${idOrAlias}/versions`, { query });
  }

  getPolicies(idOrAlias: string): Promise<GoResponse> {
    return this.request('GET', `keys/${idOrAlias}/policies`);
  }

  /** `GetRotationPolicy` / `GetDualAuthDeletePolicy`: `?policy=`; an empty `resources` means none is set. */
  getKeyPolicy(idOrAlias: string, policy: 'rotation' | 'dualAuthDelete'): Promise<GoResponse> {
    return this.request('GET', `keys/${idOrAlias}/policies`, { query: { policy } });
  }

  /** `SetPolicies`: rotation first, then dual auth; interval 0 sent as -1. */
  setPolicies(
    idOrAlias: string,
    setRotation: boolean,
    interval: number,
    setDualAuth: boolean,
    dualAuth: boolean,
    rotationEnabled?: boolean,
  ): Promise<GoResponse> {
    const resources: object[] = [];
    if (setRotation)
      resources.push({ type: POLICY_TYPE, rotation: rotation({ enabled: rotationEnabled, interval: interval || -1 }) });
    if (setDualAuth) resources.push({ type: POLICY_TYPE, dualAuthDelete: { enabled: dualAuth } });
    return this.putPolicies(idOrAlias, resources);
  }

  /** `SetRotationPolicy(id, interval, enabled?)`: `?policy=rotation`; no `enabled` unless given. */
  setRotationPolicy(idOrAlias: string, interval: number, enabled?: boolean): Promise<GoResponse> {
    return this.putPolicies(
      idOrAlias,
      [{ type: POLICY_TYPE, rotation: rotation({ enabled, interval: interval || -1 }) }],
      'rotation',
    );
  }

  /** `EnableRotationPolicy` / `DisableRotationPolicy`: `{"enabled": b}` and no interval. */
  setRotationEnabled(idOrAlias: string, enabled: boolean): Promise<GoResponse> {
    return this.putPolicies(idOrAlias, [{ type: POLICY_TYPE, rotation: { enabled } }], 'rotation');
  }

  /** `SetDualAuthDeletePolicy`. */
  setDualAuthDeletePolicy(idOrAlias: string, enabled: boolean): Promise<GoResponse> {
    return this.putPolicies(idOrAlias, [{ type: POLICY_TYPE, dualAuthDelete: { enabled } }], 'dualAuthDelete');
  }

  private putPolicies(idOrAlias: string, resources: object[], policy?: string): Promise<GoResponse> {
    return this.request('PUT', `keys/${idOrAlias}/policies`, {
      body: { metadata: { collectionType: POLICY_TYPE, collectionTotal: resources.length }, resources },
      ...(policy ? { query: { policy } } : {}),
    });
  }

  /** `SetInstancePolicies` and the `Set*InstancePolicy` calls: the resources as instances.go builds them. */
  setInstancePolicies(resources: object[], policy?: string): Promise<GoResponse> {
    return this.request('PUT', 'instance/policies', {
      body: { metadata: { collectionType: POLICY_TYPE, collectionTotal: resources.length }, resources },
      ...(policy ? { query: { policy } } : {}),
    });
  }

  getInstancePolicies(policy?: string): Promise<GoResponse> {
    return this.request('GET', 'instance/policies', policy ? { query: { policy } } : {});
  }

  /** `CreateKeyRing`: no body; Go fails on any non-empty 201 body. */
  createKeyRing(id: string): Promise<GoResponse> {
    return this.request('POST', `key_rings/${id}`);
  }

  getKeyRings(): Promise<GoResponse> {
    return this.request('GET', 'key_rings');
  }

  deleteKeyRing(id: string, force?: boolean): Promise<GoResponse> {
    return this.request('DELETE', `key_rings/${id}`, force === undefined ? {} : { query: { force: String(force) } });
  }

  /** `CreateKeyAlias(alias, idOrAlias)`: path `keys/{idOrAlias}/aliases/{alias}`, no body. */
  createKeyAlias(alias: string, idOrAlias: string): Promise<GoResponse> {
    return this.request('POST', `keys/${idOrAlias}/aliases/${alias}`);
  }

  deleteKeyAlias(alias: string, idOrAlias: string): Promise<GoResponse> {
    return this.request('DELETE', `keys/${idOrAlias}/aliases/${alias}`);
  }

  /** `ListRegistrations(keyId, crn)`. */
  listRegistrations(keyId: string, crn = ''): Promise<GoResponse> {
    return this.request('GET', keyId === '' ? 'keys/registrations' : `keys/${keyId}/registrations`, {
      ...(crn !== '' ? { query: { urlEncodedResourceCRNQuery: crn } } : {}),
    });
  }

  /** `CreateImportToken(expiration, maxAllowedRetrievals)`: zero values omitted. */
  createImportToken(expiration: number, maxAllowedRetrievals: number): Promise<GoResponse> {
    return this.request('POST', 'import_token', {
      body: {
        ...(maxAllowedRetrievals ? { maxAllowedRetrievals } : {}),
        ...(expiration ? { expiration } : {}),
      },
    });
  }

  getImportTokenTransportKey(): Promise<GoResponse> {
    return this.request('GET', 'import_token');
  }
}

/** `Rotation{Enabled *bool 'omitempty', Interval int 'omitempty'}`. */
function rotation(r: { enabled?: boolean | undefined; interval: number }): object {
  return {
    ...(r.enabled === undefined ? {} : { enabled: r.enabled }),
    ...(r.interval ? { interval_month: r.interval } : {}),
  };
}

function dualAuth(d: { enabled?: boolean | undefined }): object {
  return d.enabled === undefined ? {} : { enabled: d.enabled };
}

/** The first resource of a collection answer (what the Go client reads as `resources[0]`). */
export function firstResource(res: GoResponse): Record<string, unknown> {
  const resources = (res.body as { resources?: Record<string, unknown>[] } | undefined)?.resources;
  const first = resources?.[0];
  if (!first) throw new Error(`no resources[0] in ${res.status} ${res.text}`);
  return first;
}

/** The first reason code of an error answer. */
export function reasonCode(res: GoResponse): string | undefined {
  return (res.body as { resources?: { reasons?: { code?: string }[] }[] } | undefined)?.resources?.[0]?.reasons?.[0]
    ?.code;
}
