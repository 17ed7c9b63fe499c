/**
 * Errors of the review endpoints, carrying the data of the metav1.Status the API server answers with.
 * Class names follow the Status `reason`: `Invalid` (422, field causes), `BadRequest` (400),
 * `RequestEntityTooLarge` (413). `toStatus()` gives the wire body; the HTTP layer renders it as is.
 * Construction follows k8s.io/apimachinery `api/errors` (NewInvalid, NewBadRequest,
 * NewRequestEntityTooLargeError).
 */
import { KubeStatusError, type StatusCause } from '../../kernel/kube-status.js'

export class BadRequest extends KubeStatusError {
  readonly status = 400
  readonly code = 'BadRequest'
}

export class RequestEntityTooLarge extends KubeStatusError {
  readonly status = 413
  readonly code = 'RequestEntityTooLarge'
  constructor(limit: number) {
    super(`Request entity too large: limit is ${limit}`)
  }
}

/** One field.Error of k8s.io/apimachinery `util/validation/field`. */
export interface FieldError {
  type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden'
  field: string
  /** The bad value already rendered the way Go's ErrorBody prints it (`"x"`, `"null"`, a struct). */
  badValue: string
  detail: string
}

const TYPE_TEXT: Record<FieldError['type'], string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
}

/** field.Error.ErrorBody(): Required and Forbidden never print the value. */
export function errorBody(e: FieldError): string {
  const head = e.type === 'FieldValueInvalid' ? `${TYPE_TEXT[e.type]}: ${e.badValue}` : TYPE_TEXT[e.type]
  return e.detail ? `${head}: ${e.detail}` : head
}

const errorText = (e: FieldError) => `${e.field}: ${errorBody(e)}`

export class Invalid extends KubeStatusError {
  readonly status = 422
  readonly code = 'Invalid'
  readonly fieldErrors: FieldError[]

  /**
   * apierrors.NewInvalid(groupKind, name, errs). The review REST handlers pass the kind read from the
   * decoded internal object, whose TypeMeta is empty after conversion, so the real message starts
   * `.authorization.k8s.io "" is invalid` (see docs/azure-rbac.md); `kind` stays a parameter.
   */
  constructor(group: string, kind: string, name: string, errors: FieldError[]) {
    const causes: StatusCause[] = errors.map((e) => ({
      reason: e.type,
      message: errorBody(e),
      field: e.field,
    }))
    // ErrorList.ToAggregate drops repeated messages; an aggregate of one prints bare, else `[a, b]`.
    const unique = [...new Set(errors.map(errorText))]
    const agg = unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`
    const qualified = group ? `${kind}.${group}` : kind
    super(`${qualified} ${JSON.stringify(name)} is invalid: ${agg}`, {
      ...(name && { name }),
      group,
      ...(kind && { kind }),
      causes,
    })
    this.fieldErrors = errors
  }
}
