import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Checks HTTP exchanges against an OpenAPI 3.1 document with a JSON Schema validator (Ajv, draft 2020-12):
 * the request's path, query, headers and body against the operation's parameters and request body, and
 * the answer's status and body against its responses. The document is the one the server serves; the
 * checks read nothing else of the server's code.
 */

type Json = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required?: boolean;
  readonly schema: Json;
}

interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly required?: boolean; readonly content: Record<string, { schema: Json }> };
  readonly responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

export interface Exchange {
  readonly method: string;
  /** Path and query string. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly status: number;
  readonly responseBody: unknown;
}

export interface MatchedRoute {
  readonly path: string;
  readonly method: string;
  readonly operation: Operation;
  readonly params: Record<string, string>;
}

export class OpenApiContract {
  private readonly ajv: Ajv2020;
  /** For parameters: query and header values are strings on the wire. */
  private readonly coercing: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly routes: { regex: RegExp; names: string[]; path: string; literal: number }[];

  constructor(readonly document: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    this.coercing = new Ajv2020({ strict: false, allErrors: true, coerceTypes: true });
    addFormats.default(this.ajv);
    addFormats.default(this.coercing);
    this.ajv.addSchema({ ...document, $id: 'openapi' });
    this.routes = Object.keys(this.paths).map((path) => {
      const names: string[] = [];
      const source = path.replace(/[.]/g, '\\.').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { regex: new RegExp(`^${source}$`), names, path, literal: path.replace(/\{[^}]+\}/g, '').length };
    });
    // A literal segment wins over a parameter (/keys/registrations before /keys/{id}).
    this.routes.sort((a, b) => b.literal - a.literal);
  }

  get paths(): Record<string, Record<string, Operation>> {
    return this.document.paths as Record<string, Record<string, Operation>>;
  }

  /** The documented operation a request goes to, or null. */
  match(method: string, pathname: string): MatchedRoute | null {
    for (const route of this.routes) {
      const m = route.regex.exec(pathname);
      const operation = m && this.paths[route.path]?.[method.toLowerCase()];
      if (m && operation)
        return {
          path: route.path,
          method,
          operation,
          params: Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')])),
        };
    }
    return null;
  }

  /** The schema at `pointer` of the document, compiled in place so `#/components/...` references resolve. */
  private validator(pointer: string): ValidateFunction {
    let fn = this.cache.get(pointer);
    if (!fn) {
      fn = this.ajv.getSchema(`openapi#${pointer}`);
      if (!fn) throw new Error(`no schema at ${pointer}`);
      this.cache.set(pointer, fn);
    }
    return fn;
  }

  /**
   * Every way the exchange departs from the document; empty when it conforms. With `answerOnly`, only
   * the answer is checked (for requests that are wrong on purpose).
   */
  problems(exchange: Exchange, answerOnly = false): string[] {
    const url = new URL(exchange.url, 'http://server');
    const route = this.match(exchange.method, url.pathname);
    if (!route) return [`${exchange.method} ${url.pathname}: not in the document`];
    const where = `${route.operation.operationId} (${exchange.method} ${url.pathname})`;
    const problems: string[] = [];
    const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
    const opPointer = `/paths/${escape(route.path)}/${exchange.method.toLowerCase()}`;
    const headers = Object.fromEntries(Object.entries(exchange.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const query = Object.fromEntries(url.searchParams);
    if (!answerOnly) this.requestProblems(route, where, opPointer, query, headers, exchange, problems);
    this.answerProblems(route, where, opPointer, exchange, problems);
    return problems;
  }

  private requestProblems(
    route: MatchedRoute,
    where: string,
    opPointer: string,
    query: Record<string, string>,
    headers: Record<string, string>,
    exchange: Exchange,
    problems: string[],
  ): void {
    const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
    for (const name of Object.keys(query))
      if (!route.operation.parameters?.some((p) => p.in === 'query' && p.name === name))
        problems.push(`${where}: query parameter ${name} is not documented`);
    (route.operation.parameters ?? []).forEach((p, i) => {
      const value = p.in === 'path' ? route.params[p.name] : p.in === 'query' ? query[p.name] : headers[p.name];
      if (value === undefined) {
        if (p.required) problems.push(`${where}: required ${p.in} parameter ${p.name} missing`);
        return;
      }
      // Wrapped in an object so a string on the wire can be coerced to the schema's number or boolean.
      const pointer = `${opPointer}/parameters/${i}/schema`;
      let validate = this.cache.get(pointer);
      if (!validate) {
        validate = this.coercing.compile({ type: 'object', properties: { v: p.schema } });
        this.cache.set(pointer, validate);
      }
      if (!validate({ v: value }))
        problems.push(`${where}: ${p.in} parameter ${p.name}=${value}: ${this.coercing.errorsText(validate.errors)}`);
    });
    const body = route.operation.requestBody;
    if (exchange.body !== undefined && !body) problems.push(`${where}: sends a body, the document takes none`);
    if (body) {
      const type = (exchange.contentType ?? 'application/json').split(';')[0] ?? '';
      const media = body.content[type];
      if (exchange.body === undefined) {
        if (body.required) problems.push(`${where}: the request body is required`);
      } else if (!media) problems.push(`${where}: request content type ${type} is not documented`);
      else {
        const validate = this.validator(`${opPointer}/requestBody/content/${escape(type)}/schema`);
        if (!validate(exchange.body)) problems.push(`${where}: request body: ${this.ajv.errorsText(validate.errors)}`);
      }
    }
  }

  private answerProblems(
    route: MatchedRoute,
    where: string,
    opPointer: string,
    exchange: Exchange,
    problems: string[],
  ): void {
    const statusKey = [String(exchange.status), `${String(exchange.status)[0]}XX`, 'default'].find(
      (k) => route.operation.responses[k],
    );
    if (!statusKey) problems.push(`${where}: status ${exchange.status} is not documented`);
    else {
      const media = route.operation.responses[statusKey]?.content?.['application/json'];
      if (media) {
        const validate = this.validator(`${opPointer}/responses/${statusKey}/content/application~1json/schema`);
        if (!validate(exchange.responseBody))
          problems.push(`${where}: ${exchange.status} answer: ${this.ajv.errorsText(validate.errors)}`);
      } else if (exchange.responseBody !== null && exchange.responseBody !== '')
        problems.push(`${where}: ${exchange.status} answer has a body the document does not describe`);
    }
  }
}
