import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { routes, type RouteDefinition, type RouteGroup } from '../routes.ts';

/**
 * A handler module under functions/api/ (one per operation). Declared as a method so a module whose
 * handler takes a more specific event (one with the authorizer's context) still fits.
 */
export interface RouteModule {
  handler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2>;
}

/** A Key Protect error body (CONTRACT.md), for the few answers the dispatcher gives itself. */
function errorResponse(statusCode: number, code: string, message: string): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      metadata: { collectionType: 'application/vnd.ibm.kms.error+json', collectionTotal: 1 },
      resources: [{ errorMsg: message, reasons: [{ code, message, status: statusCode }] }],
    }),
  };
}

export function routeKey(route: RouteDefinition): string {
  return `${route.method} ${route.path}`;
}

/**
 * The Lambda handler of one route group: API Gateway names the matched route in `event.routeKey`
 * (`POST /api/v2/keys`), which selects the operation's module. `modules` holds the modules of the
 * group's routes, by their `handler` name; a route whose module is not there answers 501.
 */
export function dispatch(group: RouteGroup, modules: Readonly<Record<string, RouteModule>>) {
  const byRouteKey = new Map<string, RouteDefinition>();
  for (const route of routes) if (route.group === group) byRouteKey.set(routeKey(route), route);
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2> => {
    const route = byRouteKey.get(event.routeKey);
    if (route === undefined) return errorResponse(404, 'NOT_FOUND_ERR', 'route not found');
    const module = modules[route.handler];
    if (module === undefined) return errorResponse(501, 'NOT_IMPLEMENTED_ERR', `${route.operation} is not implemented`);
    return module.handler(event, context);
  };
}
