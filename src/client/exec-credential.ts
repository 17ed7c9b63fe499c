/**
 * The ExecCredential a credential plugin prints (client-go auth/exec/exec.go): the apiVersion comes
 * from KUBERNETES_EXEC_INFO (absent or empty → v1beta1; v1 and v1beta1 echoed; anything else refused,
 * as kubelogin's execCredentialWriter does), `spec.interactive` is always serialised, and
 * `expirationTimestamp` is RFC 3339 UTC with second precision.
 */
import { rfc3339 } from '../kube/index.js'
import { SignInError } from './errors.js'
import { EXEC_API_V1, EXEC_API_V1BETA1 } from './well-known.js'

export interface ExecCredential {
  kind: 'ExecCredential'
  apiVersion: string
  spec: { interactive: boolean }
  status: { expirationTimestamp: string; token: string }
}

export function execApiVersion(execInfo: string | undefined): string {
  if (execInfo === undefined || execInfo.trim() === '') return EXEC_API_V1BETA1
  let parsed: unknown
  try {
    parsed = JSON.parse(execInfo)
  } catch (err) {
    throw new SignInError('rejected', `cannot parse KUBERNETES_EXEC_INFO: ${(err as Error).message}`)
  }
  const apiVersion = (parsed as { apiVersion?: unknown } | null)?.apiVersion
  if (apiVersion === undefined || apiVersion === '') return EXEC_API_V1BETA1
  if (apiVersion === EXEC_API_V1 || apiVersion === EXEC_API_V1BETA1) return apiVersion
  throw new SignInError(
    'rejected',
    `api version: ${typeof apiVersion === 'string' ? apiVersion : JSON.stringify(apiVersion)} is not supported`,
  )
}

export function buildExecCredential(apiVersion: string, token: string, expiresAtMs: number): ExecCredential {
  return {
    kind: 'ExecCredential',
    apiVersion,
    spec: { interactive: false },
    status: { expirationTimestamp: rfc3339(expiresAtMs), token },
  }
}
