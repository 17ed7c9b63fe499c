/**
 * The review kinds, computed per request and never stored: TokenReview and SelfSubjectReview
 * (authentication.k8s.io), SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview and
 * SelfSubjectRulesReview (authorization.k8s.io). Validation errors use the upstream texts of
 * pkg/apis/authorization/validation; the answers come from the same authenticators and authorizers
 * that guard the API.
 */
import { BadRequest, Invalid, invalid } from '../../kube/index.js'
import type { Authorize } from '../authz/attributes.js'
import type { ResourceDef } from '../registry.js'
import type { AuthorizationAttributes, KubeObject, RulesResult, TokenAuthResult, UserInfo } from '../types.js'
import { obj, str, type Obj } from '../values.js'

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

export interface ReviewDeps {
  authorize: Authorize
  /** Token review of `spec.token` (static tokens then the token authenticator). */
  reviewToken(token: string, audiences: string[]): Promise<TokenAuthResult>
  rulesFor?: (user: UserInfo, namespace: string) => RulesResult | Promise<RulesResult>
  apiAudiences: string[]
}

function extraOf(v: unknown): Record<string, string[]> | undefined {
  const entries = Object.entries(obj(v)).map(([k, x]) => [k, strings(x)] as const)
  return entries.length ? Object.fromEntries(entries) : undefined
}

function userInfoJson(u: UserInfo): Obj {
  return {
    username: u.username,
    ...(u.uid && { uid: u.uid }),
    ...(u.groups.length && { groups: u.groups }),
    ...(u.extra && Object.keys(u.extra).length && { extra: u.extra }),
  }
}

function attributesFromSpec(spec: Obj, user: UserInfo): AuthorizationAttributes {
  const ra = spec.resourceAttributes ? obj(spec.resourceAttributes) : undefined
  const nra = obj(spec.nonResourceAttributes)
  return ra
    ? {
        user,
        verb: str(ra.verb),
        resourceRequest: true,
        path: '',
        namespace: str(ra.namespace),
        apiGroup: str(ra.group),
        apiVersion: str(ra.version),
        resource: str(ra.resource),
        subresource: str(ra.subresource),
        name: str(ra.name),
        ...(obj(ra.fieldSelector).requirements !== undefined && {
          fieldSelector: obj(ra.fieldSelector).requirements as never,
        }),
        ...(obj(ra.labelSelector).requirements !== undefined && {
          labelSelector: obj(ra.labelSelector).requirements as never,
        }),
      }
    : {
        user,
        verb: str(nra.verb),
        resourceRequest: false,
        path: str(nra.path),
        namespace: '',
        apiGroup: '',
        apiVersion: '',
        resource: '',
        subresource: '',
        name: '',
      }
}

function validateAttributes(def: ResourceDef, spec: Obj, extra: ReturnType<typeof invalid>[] = []): void {
  const errs = [...extra]
  if (spec.resourceAttributes && spec.nonResourceAttributes)
    errs.push(
      invalid(
        'spec.nonResourceAttributes',
        spec.nonResourceAttributes,
        'cannot be specified in combination with resourceAttributes',
      ),
    )
  if (!spec.resourceAttributes && !spec.nonResourceAttributes)
    errs.unshift(
      invalid(
        'spec.resourceAttributes',
        'null',
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    )
  if (errs.length) throw new Invalid({ group: def.group, kind: def.kind }, '', errs)
}

async function accessStatus(deps: ReviewDeps, attrs: AuthorizationAttributes): Promise<Obj> {
  const r = await deps.authorize(attrs)
  return {
    allowed: r.decision === 'Allow',
    ...(r.decision === 'Deny' && { denied: true }),
    ...(r.reason && { reason: r.reason }),
    ...(r.evaluationError && { evaluationError: r.evaluationError }),
  }
}

const answer = (def: ResourceDef, body: KubeObject, spec: Obj | undefined, status: Obj): KubeObject => ({
  kind: def.kind,
  apiVersion: `${def.group}/${def.version}`,
  metadata: { ...body.metadata, creationTimestamp: null },
  ...(spec !== undefined && { spec }),
  status,
})

export async function review(
  deps: ReviewDeps,
  def: ResourceDef,
  namespace: string,
  body: KubeObject,
  requester: UserInfo,
): Promise<KubeObject> {
  const spec = obj(body.spec)
  switch (def.kind) {
    case 'TokenReview': {
      const token = str(spec.token)
      if (!token) throw new BadRequest('token is required for TokenReview in authentication')
      const audiences = strings(spec.audiences)
      const r = await deps.reviewToken(token, audiences.length ? audiences : deps.apiAudiences)
      const status: Obj = r.authenticated
        ? {
            authenticated: true,
            user: userInfoJson(r.user),
            audiences: r.audiences?.length ? r.audiences : audiences.length ? audiences : deps.apiAudiences,
          }
        : { user: {}, ...(r.error && { error: r.error }) }
      return answer(def, body, spec, status)
    }
    case 'SelfSubjectReview':
      return {
        kind: def.kind,
        apiVersion: `${def.group}/${def.version}`,
        metadata: { ...body.metadata, creationTimestamp: null },
        status: { userInfo: userInfoJson(requester) },
      }
    case 'SubjectAccessReview': {
      const user = str(spec.user)
      const groups = strings(spec.groups)
      validateAttributes(
        def,
        spec,
        user || groups.length
          ? []
          : [invalid('spec.user', user, 'at least one of user or group must be specified')],
      )
      const subject: UserInfo = { username: user, groups, ...(str(spec.uid) && { uid: str(spec.uid) }) }
      const extra = extraOf(spec.extra)
      if (extra) subject.extra = extra
      return answer(def, body, spec, await accessStatus(deps, attributesFromSpec(spec, subject)))
    }
    case 'LocalSubjectAccessReview': {
      const user = str(spec.user)
      const groups = strings(spec.groups)
      const extraErrs =
        user || groups.length
          ? []
          : [invalid('spec.user', user, 'at least one of user or group must be specified')]
      if (spec.nonResourceAttributes)
        extraErrs.push(
          invalid(
            'spec.nonResourceAttributes',
            spec.nonResourceAttributes,
            'disallowed on this kind of request',
          ),
        )
      validateAttributes(def, spec, extraErrs)
      if (str(obj(spec.resourceAttributes).namespace) !== namespace)
        throw new BadRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`)
      const subject: UserInfo = { username: user, groups, ...(str(spec.uid) && { uid: str(spec.uid) }) }
      const extra = extraOf(spec.extra)
      if (extra) subject.extra = extra
      return answer(def, body, spec, await accessStatus(deps, attributesFromSpec(spec, subject)))
    }
    case 'SelfSubjectAccessReview':
      validateAttributes(def, spec)
      return answer(def, body, spec, await accessStatus(deps, attributesFromSpec(spec, requester)))
    case 'SelfSubjectRulesReview': {
      const ns = str(spec.namespace)
      if (!ns) throw new BadRequest('no namespace on request')
      const rules: RulesResult = deps.rulesFor
        ? await deps.rulesFor(requester, ns)
        : {
            resourceRules: [],
            nonResourceRules: [],
            incomplete: true,
            evaluationError: 'no rule resolver is configured',
          }
      return answer(def, body, spec, {
        resourceRules: rules.resourceRules,
        nonResourceRules: rules.nonResourceRules,
        incomplete: rules.incomplete,
        ...(rules.evaluationError && { evaluationError: rules.evaluationError }),
      })
    }
    default:
      throw new BadRequest(`${def.kind} is not a review kind`)
  }
}
