import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { errorResponse, reasonError } from '../../shared/errors.ts';
import { allOperations, routeKey, type OperationDefinition, type RouteGroup } from '../operations.ts';

/**
 * A handler module under functions/api/ (one per operation). Declared as a method so a module whose
 * handler takes a more specific event (one with the authorizer's context) still fits.
 */
export interface RouteModule {
  handler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2>;
}

/**
 * The Lambda handler of one route group: API Gateway names the matched route in `event.routeKey`
 * (`POST /api/v2/keys`), which selects the operation's module. `modules` holds the modules of the
 * group's routes, by their `handler` name; a route whose module is not there answers 501.
 */
export function dispatch(group: RouteGroup, modules: Readonly<Record<string, RouteModule>>) {
  const byRouteKey = new Map<string, OperationDefinition>();
  for (const route of allOperations) if (route.group === group) byRouteKey.set(routeKey(route), route);
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2> => {
    const route = byRouteKey.get(event.routeKey);
    if (route === undefined) return errorResponse(reasonError('NOT_FOUND_ERR', 'route not found'));
    const module = modules[route.handler];
    if (module === undefined)
      return errorResponse(reasonError('NOT_IMPLEMENTED_ERR', `${route.name} is not implemented`));
    return module.handler(event, context);
  };
}
