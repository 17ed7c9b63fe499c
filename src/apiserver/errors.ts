/**
 * Kubernetes API errors, named after the Status `reason` they carry, with the messages
 * k8s.io/apimachinery/pkg/api/errors builds (kubectl prints `Error from server (<reason>): <message>`).
 * The protocol code throws them; `render.ts` writes the Status body.
 */
import { KubeStatusError } from '../kernel/kube-status.js'

export { KubeStatusError, type Status, type StatusCause, type StatusDetails } from '../kernel/kube-status.js'

/** A group + resource, e.g. `{group: 'apps', resource: 'deployments'}`. */
export interface GroupResource {
  group: string
  resource: string
}

/** `configmaps` or `deployments.apps`: schema.GroupResource.String(). */
export const qualified = (gr: GroupResource): string =>
  gr.group ? `${gr.resource}.${gr.group}` : gr.resource

export class NotFound extends KubeStatusError {
  readonly status = 404
  readonly code = 'NotFound'
  /** `configmaps "x" not found`; without a resource, the router's generic 404. */
  constructor(gr?: GroupResource, name?: string) {
    super(
      gr ? `${qualified(gr)} "${name ?? ''}" not found` : 'the server could not find the requested resource',
      gr ? { name: name ?? '', group: gr.group || undefined, kind: gr.resource } : {},
    )
  }
}

export class AlreadyExists extends KubeStatusError {
  readonly status = 409
  readonly code = 'AlreadyExists'
  constructor(gr: GroupResource, name: string) {
    super(`${qualified(gr)} "${name}" already exists`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    })
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
    super(`Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    })
  }
}

export interface FieldError {
  /** `FieldValueInvalid`, `FieldValueRequired`, `FieldValueForbidden`, `FieldValueNotSupported`, … */
  type:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueTooLong'
    | 'FieldValueTypeInvalid'
  field: string
  /** The full text as field.Error.Error() prints it (`spec.x: Invalid value: "y": why`). */
  message: string
}

/** 422: `ConfigMap "x" is invalid: <errors>` (errors.NewInvalid). */
export class Invalid extends KubeStatusError {
  readonly status = 422
  readonly code = 'Invalid'
  readonly fieldErrors: FieldError[]
  constructor(kind: string, group: string, name: string, errors: FieldError[]) {
    const qualifiedKind = group ? `${kind}.${group}` : kind
    const text = errors.length === 1 ? errors[0]!.message : `[${errors.map((e) => e.message).join(', ')}]`
    super(`${qualifiedKind} "${name}" is invalid: ${text}`, {
      name,
      group: group || undefined,
      kind,
      causes: errors.map((e) => ({
        reason: e.type,
        message: e.message.slice(e.field.length + 2),
        field: e.field,
      })),
    })
    this.fieldErrors = errors
  }
}

/** A 422 without the object framing (json-patch application errors). */
export class UnprocessableEntity extends KubeStatusError {
  readonly status = 422
  readonly code = 'Invalid'
  constructor(message: string) {
    super(message)
  }
}

export class BadRequest extends KubeStatusError {
  readonly status = 400
  readonly code = 'BadRequest'
  constructor(message: string) {
    super(message)
  }
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
  constructor(message: string) {
    super(message)
  }
}

export class InternalError extends KubeStatusError {
  readonly status = 500
  readonly code = 'InternalError'
  constructor() {
    super('Internal error occurred: an unexpected error happened in the simulator', {
      causes: [{ message: 'an unexpected error happened in the simulator' }],
    })
  }
}
