import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { allOperations, routeKey, type OperationDefinition } from '../functions/api/operations.ts';

type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  readonly route: OperationDefinition;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: ApiHandler;
}

interface RouteMatch {
  readonly route: OperationDefinition;
  readonly handler: ApiHandler;
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
}

/** Matches requests against functions/api/operations.ts, the table the CDK stack deploys too. */
export class Router {
  private constructor(private readonly compiled: readonly CompiledRoute[]) {}

  /** Loads every route's handler module once. */
  static async load(): Promise<Router> {
    const compiled = await Promise.all(
      allOperations.map(async (route) => {
        const names: string[] = [];
        const source = route.path
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
            names.push(name);
            return '([^/]+)';
          });
        const module = (await import(`../functions/api/${route.handler}.ts`)) as { handler: ApiHandler };
        return { route, pattern: new RegExp(`^${source}$`), names, handler: module.handler };
      }),
    );
    // Static segments win over parameters (`/keys/registrations` before `/keys/{id}`), as API
    // Gateway itself matches the most specific route; the sort is stable otherwise.
    return new Router([...compiled].sort((a, b) => specificity(a.route.path, b.route.path)));
  }

  /**
   * The route for a method and a path exactly as received (percent-encoded, not normalised: `//x/api/v2/keys`
   * or `/api/v2/%6beys` is no route); HEAD falls back to GET. `null` with `allowed` when only the method is
   * wrong. Parameters are percent-decoded; one whose encoding is malformed is passed on as received (it then
   * names nothing, and the handler answers, authenticates and audits as for any unknown id).
   */
  match(method: string, path: string): RouteMatch | { allowed: string[] } | null {
    const allowed: string[] = [];
    for (const wanted of method === 'HEAD' ? ['HEAD', 'GET'] : [method]) {
      for (const c of this.compiled) {
        const m = c.pattern.exec(path);
        if (!m) continue;
        if (c.route.method !== wanted) {
          allowed.push(c.route.method);
          continue;
        }
        const pathParameters: Record<string, string> = {};
        c.names.forEach((name, i) => {
          pathParameters[name] = decodeParameter(m[i + 1] ?? '');
        });
        return { route: c.route, handler: c.handler, routeKey: routeKey(c.route), pathParameters };
      }
    }
    return allowed.length ? { allowed } : null;
  }
}

/** Orders two route paths segment by segment: a static segment before a `{parameter}`. */
function specificity(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]?.startsWith('{') ?? false;
    const pb = sb[i]?.startsWith('{') ?? false;
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
}

function decodeParameter(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
