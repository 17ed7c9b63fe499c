/**
 * Kubernetes API errors raised by this slice's API-server pieces (TokenRequest, the ServiceAccount
 * admission check, the mutating-webhook call), carrying the metav1.Status kube-apiserver would send.
 * They share the API server's Status error base, so it renders them as its own.
 */
import { KubeStatusError, type Status, type StatusCause, type StatusDetails } from '../kernel/kube-status.js'

export type KubeStatus = Status

/** A Kubernetes Status error with its status and reason given at construction. */
export class KubeApiError extends KubeStatusError {
  readonly status: number
  /** The Status `reason` (`NotFound`, `Invalid`, …); empty for webhook denials, as kube-apiserver sends. */
  readonly code: string
  constructor(status: number, reason: string, message: string, details?: StatusDetails) {
    super(message, details)
    this.status = status
    this.code = reason
  }

  static notFound(resource: string, name: string, group = ''): KubeApiError {
    return new KubeApiError(
      404,
      'NotFound',
      `${group ? `${resource}.${group}` : resource} "${name}" not found`,
      {
        name,
        ...(group && { group }),
        kind: resource,
      },
    )
  }
  static badRequest(message: string): KubeApiError {
    return new KubeApiError(400, 'BadRequest', message)
  }
  /** errors.NewInvalid: `Kind.group "name" is invalid: <field errors>`. */
  static invalid(kind: string, group: string, name: string, causes: (StatusCause & { text: string })[]) {
    const qualified = group ? `${kind}.${group}` : kind
    const texts = causes.map((c) => c.text)
    const list = texts.length === 1 ? texts[0]! : `[${texts.join(', ')}]`
    return new KubeApiError(422, 'Invalid', `${qualified} "${name}" is invalid: ${list}`, {
      name,
      ...(group && { group }),
      kind,
      causes: causes.map(({ text: _t, ...c }) => c),
    })
  }
  static conflict(resource: string, name: string, why: string, group = ''): KubeApiError {
    return new KubeApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${group ? `${resource}.${group}` : resource} "${name}": ${why}`,
      { name, ...(group && { group }), kind: resource },
    )
  }
  static forbidden(resource: string, name: string, why: string): KubeApiError {
    return new KubeApiError(403, 'Forbidden', `${resource} "${name}" is forbidden: ${why}`, {
      name,
      kind: resource,
    })
  }
  /** errors.NewInternalError: what kube-apiserver answers when a webhook with failurePolicy Fail fails. */
  static internal(err: string): KubeApiError {
    return new KubeApiError(500, 'InternalError', `Internal error occurred: ${err}`, {
      causes: [{ message: err }],
    })
  }
}
