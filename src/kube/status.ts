/**
 * Kubernetes' metav1.Status, the failure body of every Kubernetes-shaped surface here (the API
 * server, the guard-like review webhook, the pod-identity slice's API-server pieces), and the one
 * error base they share: a SimulatorError whose `code` is the Status `reason` and whose `toStatus()`
 * is the wire body, field order included (byte-level comparisons depend on it). Field order follows
 * k8s.io/apimachinery/pkg/apis/meta/v1/types.go (Status, StatusDetails).
 */
import { SimulatorError } from '../kernel/errors.js'

export interface StatusCause {
  reason?: string
  message?: string
  field?: string
}

export interface StatusDetails {
  name?: string
  group?: string
  kind?: string
  uid?: string
  causes?: StatusCause[]
  retryAfterSeconds?: number
}

export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure' | 'Success'
  message?: string
  reason?: string
  details?: StatusDetails
  code: number
}

export abstract class KubeStatusError extends SimulatorError {
  readonly details: StatusDetails | undefined
  constructor(message: string, details?: StatusDetails) {
    super(message)
    this.details = details
  }
  /** The Status body; an empty `code` (admission webhook denials) leaves `reason` out, as kube does. */
  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      ...(this.code && { reason: this.code }),
      ...(this.details && { details: this.details }),
      code: this.status,
    }
  }
}

/**
 * A Status whose code and reason are given as they are (apimachinery's StatusError built from a
 * Status): admission webhook denials (webhookerrors.ToStatusErr, no reason) and the webhook
 * listener's bare answers.
 */
export class StatusError extends KubeStatusError {
  readonly status: number
  readonly code: string
  constructor(status: number, reason: string, message: string, details?: StatusDetails) {
    super(message, details)
    this.status = status
    this.code = reason
  }
}

/** The wire bytes of a Status (JSON, Go field order). */
export const renderStatus = (err: KubeStatusError): string => JSON.stringify(err.toStatus())
