/**
 * Microsoft Graph errors. Protocol code throws these; `render-error.ts` turns them into Graph's body
 * `{"error":{"code","message","innerError":{…}}}`. Class names follow the wire `code`; texts are the
 * ones Graph sends (learn.microsoft.com/graph/errors; public issues), see docs/graph.md.
 */
import { SimulatorError } from '../kernel/errors.js'

export abstract class GraphError extends SimulatorError {}

const graphError = (code: string, status: number) =>
  class extends GraphError {
    readonly code = code
    readonly status = status
  }

/** 401; the renderer adds `WWW-Authenticate`. */
export class InvalidAuthenticationToken extends graphError('InvalidAuthenticationToken', 401) {}

export class AuthorizationRequestDenied extends graphError('Authorization_RequestDenied', 403) {
  constructor() {
    super('Insufficient privileges to complete the operation.')
  }
}

export class RequestResourceNotFound extends graphError('Request_ResourceNotFound', 404) {
  constructor(id: string) {
    super(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`)
  }
}

export class RequestBadRequest extends graphError('Request_BadRequest', 400) {
  static invalidId(id: string): RequestBadRequest {
    return new RequestBadRequest(`Invalid object identifier '${id}'.`)
  }
}

export class RequestUnsupportedQuery extends graphError('Request_UnsupportedQuery', 400) {}

/** OData-layer and gateway errors use the plain `BadRequest` code. */
export class BadRequest extends graphError('BadRequest', 400) {
  static segment(segment: string): BadRequest {
    return new BadRequest(`Resource not found for the segment '${segment}'.`)
  }
  static unreadableJson(): BadRequest {
    return new BadRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    )
  }
}

export class MethodNotAllowed extends graphError('Request_BadRequest', 405) {
  constructor() {
    super('Specified HTTP method is not allowed for the request target.')
  }
}

/** A request Content-Encoding other than gzip, deflate and br (the ones the simulator decodes). */
export class UnsupportedMediaType extends graphError('UnsupportedMediaType', 415) {
  constructor(encoding: string) {
    super(`The content encoding '${encoding}' is not supported.`)
  }
}

export class RequestEntityTooLarge extends graphError('RequestEntityTooLarge', 413) {
  constructor() {
    super('The request body is too large.')
  }
}

export class DirectoryResultSizeLimitExceeded extends graphError('Directory_ResultSizeLimitExceeded', 400) {
  constructor(limit: number) {
    super(`Request had to be truncated because the result size exceeded the limit of ${limit} objects.`)
  }
}

export class DirectoryExpiredPageToken extends graphError('Directory_ExpiredPageToken', 400) {
  constructor() {
    super('The specified page token value has expired and can no longer be included in your request.')
  }
}

export class TooManyRequests extends graphError('TooManyRequests', 429) {
  constructor() {
    super('Too many requests. Please try again later.')
  }
}

export class ServiceNotAvailable extends graphError('serviceNotAvailable', 503) {
  constructor() {
    super('The service is temporarily unavailable. Please try again later.')
  }
}

/** A bug: rendered without its message. */
export class UnknownError extends graphError('UnknownError', 500) {
  constructor() {
    super('An unexpected error occurred. See the simulator log.')
  }
}

/** A fault injected through the admin API with an arbitrary status and error code. */
export class InjectedGraphFault extends GraphError {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string) {
    super(`Injected fault: ${code} (HTTP ${status}).`)
    this.status = status
    this.code = code
  }
}
