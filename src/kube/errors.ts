/**
 * Kubernetes API errors, named after the Status `reason` they carry, with the messages
 * k8s.io/apimachinery/pkg/api/errors builds (kubectl prints `Error from server (<reason>): <message>`).
 */
import type { FieldError } from './field.js'
import { aggregateErrors, goQuote } from './go-format.js'
import { KubeStatusError, type StatusDetails } from './status.js'

/** A group + resource, e.g. `{group: 'apps', resource: 'deployments'}`. */
export interface GroupResource {
  group: string
  resource: string
}

/** A group + kind, e.g. `{group: 'authentication.k8s.io', kind: 'TokenRequest'}`. */
export interface GroupKind {
  group: string
  kind: string
}

/** `configmaps` or `deployments.apps`: schema.GroupResource.String(). */
const qualified = (gr: GroupResource): string => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource)

/** The details of an error about one named object; empty fields are left out (omitempty). */
const objectDetails = (gr: GroupResource, name: string): StatusDetails => ({
  name,
  ...(gr.group && { group: gr.group }),
  kind: gr.resource,
})

export class NotFound extends KubeStatusError {
  readonly status = 404
  readonly code = 'NotFound'
  /** `configmaps "x" not found`; without a resource, the router's generic 404. */
  constructor(gr?: GroupResource, name = '') {
    super(
      gr ? `${qualified(gr)} "${name}" not found` : 'the server could not find the requested resource',
      gr ? objectDetails(gr, name) : {},
    )
  }
}

export class AlreadyExists extends KubeStatusError {
  readonly status = 409
  readonly code = 'AlreadyExists'
  constructor(gr: GroupResource, name: string) {
    super(`${qualified(gr)} "${name}" already exists`, objectDetails(gr, name))
  }
}

export class Conflict extends KubeStatusError {
  readonly status = 409
  readonly code = 'Conflict'
  constructor(
    gr: GroupResource,
    name: string,
    why = 'the object has been modified; please apply your changes to the latest version and try again',
  ) {
    super(`Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, objectDetails(gr, name))
  }
}

/** 422 (errors.NewInvalid): `ConfigMap "x" is invalid: <field errors>`, one cause per field error. */
export class Invalid extends KubeStatusError {
  readonly status = 422
  readonly code = 'Invalid'
  readonly fieldErrors: FieldError[]
  constructor(gk: GroupKind, name: string, errors: FieldError[]) {
    const qualifiedKind = gk.group ? `${gk.kind}.${gk.group}` : gk.kind
    // ErrorList.ToAggregate drops repeated messages; an aggregate of one prints bare, else `[a, b]`.
    const aggregate = aggregateErrors(errors.map((e) => e.message))
    super(`${qualifiedKind} ${goQuote(name)} is invalid${aggregate && `: ${aggregate}`}`, {
      ...(name && { name }),
      ...(gk.group && { group: gk.group }),
      ...(gk.kind && { kind: gk.kind }),
      causes: errors.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
    })
    this.fieldErrors = errors
  }
}

/** A 422 without the object framing (json-patch application errors). */
export class UnprocessableEntity extends KubeStatusError {
  readonly status = 422
  readonly code = 'Invalid'
}

export class BadRequest extends KubeStatusError {
  readonly status = 400
  readonly code = 'BadRequest'
}

export class Unauthorized extends KubeStatusError {
  readonly status = 401
  readonly code = 'Unauthorized'
  constructor(message = 'Unauthorized') {
    super(message)
  }
}

/** 403 (errors.NewForbidden): `<resource> "<name>" is forbidden: <why>`. */
export class Forbidden extends KubeStatusError {
  readonly status = 403
  readonly code = 'Forbidden'
  constructor(gr: GroupResource | undefined, name: string, why: string) {
    const message = !gr?.resource
      ? `forbidden: ${why}`
      : name
        ? `${qualified(gr)} "${name}" is forbidden: ${why}`
        : `${qualified(gr)} is forbidden: ${why}`
    super(message, {
      ...(name && { name }),
      ...(gr?.group && { group: gr.group }),
      ...(gr?.resource && { kind: gr.resource }),
    })
  }
}

export class MethodNotAllowed extends KubeStatusError {
  readonly status = 405
  readonly code = 'MethodNotAllowed'
  constructor(message = 'the server does not allow this method on the requested resource') {
    super(message, {})
  }
}

export class NotAcceptable extends KubeStatusError {
  readonly status = 406
  readonly code = 'NotAcceptable'
  constructor(accepted: string[]) {
    super(`only the following media types are accepted: ${accepted.join(', ')}`)
  }
}

export class UnsupportedMediaType extends KubeStatusError {
  readonly status = 415
  readonly code = 'UnsupportedMediaType'
  constructor(accepted: string[]) {
    super(
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    )
  }
}

export class RequestEntityTooLarge extends KubeStatusError {
  readonly status = 413
  readonly code = 'RequestEntityTooLarge'
  constructor(limit: number) {
    super(`Request entity too large: limit is ${limit}`)
  }
}

/** 410 `Expired`: a watch or continue token older than the server remembers. */
export class Expired extends KubeStatusError {
  readonly status = 410
  readonly code = 'Expired'
}

/** errors.NewInternalError; also what kube-apiserver answers when a webhook with failurePolicy Fail fails. */
export class InternalError extends KubeStatusError {
  readonly status = 500
  readonly code = 'InternalError'
  constructor(err = 'an unexpected error happened in the simulator') {
    super(`Internal error occurred: ${err}`, { causes: [{ message: err }] })
  }
}
