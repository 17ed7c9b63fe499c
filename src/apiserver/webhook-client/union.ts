/**
 * kube-apiserver's union authorizer (k8s.io/apiserver pkg/authorization/union): the first Allow or Deny
 * wins with that authorizer's reason; when all have no opinion, their reasons are joined with "\n" and
 * their errors aggregated.
 */
import type { AuthorizationAttributes, AuthorizationResult } from '../types.js'

export interface NamedAuthorizer {
  name: string
  authorize(attrs: AuthorizationAttributes): AuthorizationResult | Promise<AuthorizationResult>
}

export function unionAuthorizer(
  chain: NamedAuthorizer[],
): (attrs: AuthorizationAttributes) => Promise<AuthorizationResult> {
  return async (attrs) => {
    const reasons: string[] = []
    const errors: string[] = []
    const trace: { authorizer: string; decision: string; reason: string }[] = []
    for (const a of chain) {
      // A synchronous authorizer (RBAC) is not awaited: no extra turn of the microtask queue per request.
      const answer = a.authorize(attrs)
      const r = answer instanceof Promise ? await answer : answer
      trace.push({ authorizer: a.name, decision: r.decision, reason: r.reason })
      if (r.decision !== 'NoOpinion')
        return { ...r, detail: { ...r.detail, decidedBy: a.name, chain: trace } }
      if (r.reason) reasons.push(r.reason)
      if (r.evaluationError) errors.push(r.evaluationError)
    }
    return {
      decision: 'NoOpinion',
      reason: reasons.join('\n'),
      ...(errors.length > 0 && {
        evaluationError: errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`,
      }),
      detail: { decidedBy: 'none', chain: trace },
    }
  }
}
