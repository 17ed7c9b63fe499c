/**
 * Authorization attributes from a request (what kube-apiserver's WithAuthorization filter hands the
 * authorizers), the authorizer chain in front of `deps.authorize` (members of system:masters are
 * allowed before any authorizer runs, like kube-apiserver's privileged-group authorizer), and the
 * Forbidden error with the exact message kubectl prints (responsewriters.Forbidden).
 */
import { Forbidden } from '../../kube/index.js'
import type { RequestInfo } from '../request-info.js'
import { labelRequirementsForAuthz, parseFieldSelector, parseLabelSelector } from '../store/selectors.js'
import type { AuthorizationAttributes, AuthorizationResult, UserInfo } from '../types.js'

export type Authorize = (attrs: AuthorizationAttributes) => AuthorizationResult | Promise<AuthorizationResult>

export function attributesOf(
  user: UserInfo,
  info: RequestInfo,
  query: URLSearchParams,
): AuthorizationAttributes {
  const attrs: AuthorizationAttributes = {
    user,
    verb: info.verb,
    resourceRequest: info.resourceRequest,
    path: info.path,
    namespace: info.namespace,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
  }
  if (
    info.resourceRequest &&
    (info.verb === 'list' || info.verb === 'watch' || info.verb === 'deletecollection')
  ) {
    // AuthorizeWithSelectors: selectors that parse are passed on; authorizers may use them to narrow.
    try {
      const fs = query.get('fieldSelector')
      if (fs)
        attrs.fieldSelector = parseFieldSelector(fs).map((r) => ({
          key: r.key,
          operator: r.op === '=' ? 'In' : 'NotIn',
          values: [r.value],
        }))
      const ls = query.get('labelSelector')
      if (ls) attrs.labelSelector = labelRequirementsForAuthz(parseLabelSelector(ls))
    } catch {
      // The handler answers the parse error after authorization, as kube-apiserver does.
    }
  }
  return attrs
}

/** responsewriters.forbiddenMessage. */
export function forbiddenMessage(a: AuthorizationAttributes): string {
  const who = `User ${JSON.stringify(a.user.username)}`
  if (!a.resourceRequest) return `${who} cannot ${a.verb} path ${JSON.stringify(a.path)}`
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource
  const where = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope'
  return `${who} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${where}`
}

export function forbidden(a: AuthorizationAttributes, reason: string): Forbidden {
  const msg = forbiddenMessage(a)
  return new Forbidden(
    a.resourceRequest ? { group: a.apiGroup, resource: a.resource } : undefined,
    a.resourceRequest ? a.name : '',
    reason ? `${msg}: ${reason}` : msg,
  )
}

/** The privileged-group authorizer followed by the configured chain; errors become NoOpinion. */
export function createAuthorizer(
  authorize: Authorize | undefined,
  privilegedGroups: readonly string[],
): Authorize {
  return async (attrs) => {
    if (attrs.user.groups.some((g) => privilegedGroups.includes(g)))
      return { decision: 'Allow', reason: '', detail: { authorizer: 'privileged-group' } }
    if (!authorize) return { decision: 'NoOpinion', reason: '' }
    try {
      return await authorize(attrs)
    } catch (err) {
      return {
        decision: 'NoOpinion',
        reason: '',
        evaluationError: (err as Error).message,
        detail: { error: (err as Error).message },
      }
    }
  }
}
