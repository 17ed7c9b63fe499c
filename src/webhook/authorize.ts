/**
 * The authorization webhook's request handler: decode a SubjectAccessReview (v1 or v1beta1), decide
 * with Azure RBAC as guard does, answer in the version asked, and describe the decision for the
 * event stream (the explanation lists every assignment considered).
 */
import { authorizeWithAzureRbac, type AzureAuthzDeps } from '../azure-rbac/index.js'
import { KubeStatusError, decodeSubjectAccessReviewBody } from '../kube/index.js'
import { toWireReview } from './sar/render.js'
import type { SarAnswer } from './server.js'

export function createSarHandler(
  deps: AzureAuthzDeps & { enabled: () => boolean },
): (raw: string) => Promise<SarAnswer> {
  return (raw) => {
    let review
    try {
      review = decodeSubjectAccessReviewBody(raw)
    } catch (err) {
      if (!(err instanceof KubeStatusError)) throw err
      return Promise.resolve({
        httpStatus: err.status,
        body: err.toStatus(),
        summary: { outcome: 'bad_request', reason: err.message },
      })
    }
    const spec = review.spec
    if (!deps.enabled()) {
      // A cluster without Azure RBAC: the webhook has no opinion, Kubernetes RBAC decides alone.
      const decision = { allowed: false, reason: 'Azure RBAC is not enabled on this cluster.' }
      return Promise.resolve({
        httpStatus: 200,
        body: toWireReview(review, decision),
        summary: { user: spec.user, outcome: 'no_opinion', reason: decision.reason },
      })
    }
    const result = authorizeWithAzureRbac(spec, deps)
    return Promise.resolve({
      httpStatus: 200,
      body: toWireReview(review, result),
      summary: {
        user: spec.user,
        attributes: spec.resourceAttributes ?? spec.nonResourceAttributes,
        outcome: result.allowed ? 'allowed' : result.denied ? 'denied' : 'no_opinion',
        reason: result.reason,
        explanation: result.explanation,
      },
    })
  }
}
