/**
 * The mock Microsoft Graph (docs/graph.md). Another slice serves an extra Graph resource with a
 * `GraphRoute`: Graph authenticates the caller, sets its headers and renders errors in its envelope.
 */
export { createGraphApp, type GraphRoute, type GraphRouteRequest, type GraphRouteResult } from './routes.js'
export type { GraphDeps } from './deps.js'
export type { Caller as GraphCaller } from './auth.js'
export {
  AuthorizationRequestDenied,
  BadRequest,
  GraphError,
  RequestBadRequest,
  RequestResourceNotFound,
} from './errors.js'
