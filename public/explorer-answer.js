// The explorer's answers, rendered: "may this user …, and why" and "who can …".
import { badge, clear, factList, h, jsonBlock, table } from './dom.js'

/** @typedef {import('./types.js').AccessAnswer} AccessAnswer */
/** @typedef {import('./types.js').SubjectAccessReviewSpec} SubjectAccessReviewSpec */
/** @typedef {import('./types.js').WhoCanAnswer} WhoCanAnswer */
/** @typedef {import('./dom.js').Child} Child */

/**
 * The answer to "may this user …?": verdict, kubectl's line, the authorizers, RBAC and Azure details.
 * @param {HTMLElement} result
 * @param {AccessAnswer} a
 */
export function renderAnswer(result, a) {
  const verdict = a.decidedBy === 'authentication' ? 'unauthorized' : a.allowed ? 'allowed' : 'forbidden'
  const rbac = a.rbac
  const azure = a.azure
  clear(result).append(
    h(
      'section',
      { class: `answer answer-${verdict}`, 'aria-labelledby': 'answer-title' },
      h('h2', { id: 'answer-title' }, badge(verdict), ` ${a.identity.username} — ${describe(a.spec)}`),
      h('p', {}, h('strong', {}, 'kubectl would print: ')),
      h('pre', { class: 'kubectl', tabindex: '0' }, a.kubectl),
      h(
        'p',
        {},
        h('strong', {}, 'Decided by: '),
        a.decidedBy,
        a.reason ? [h('br'), h('strong', {}, 'Reason: '), a.reason] : null,
      ),
      a.chain.length
        ? h(
            'ol',
            { class: 'chain', 'aria-label': 'Authorizers in order' },
            a.chain.map((c) =>
              h('li', {}, `${c.authorizer}: ${c.decision}${c.reason ? ` — ${c.reason}` : ''}`),
            ),
          )
        : null,
      rbac
        ? h(
            'div',
            { class: 'part' },
            h('h3', {}, 'Kubernetes RBAC'),
            rbac.grantedBy
              ? h(
                  'p',
                  {},
                  `Granted by ${rbac.grantedBy.binding} (${rbac.grantedBy.role}) to ${rbac.grantedBy.subject}.`,
                )
              : h('p', {}, `No binding grants it (${rbac.bindingsConsidered} bindings compared). Closest:`),
            rbac.closest.length
              ? h(
                  'ul',
                  { class: 'closest' },
                  rbac.closest.map((c) =>
                    h(
                      'li',
                      {},
                      h(
                        'strong',
                        {},
                        `${c.binding.kind} ${c.binding.namespace ? `${c.binding.namespace}/` : ''}${c.binding.name}`,
                      ),
                      ` → ${c.role.kind} ${c.role.name}: `,
                      h(
                        'ul',
                        {},
                        c.lacks.map((l) => h('li', {}, `${l.kind}: ${l.message}`)),
                      ),
                    ),
                  ),
                )
              : null,
          )
        : null,
      azure
        ? h(
            'div',
            { class: 'part' },
            h('h3', {}, 'Azure RBAC (the authorization webhook)'),
            h('p', {}, azure.explanation.summary),
            factList({
              'data action': azure.explanation.dataAction,
              scope: azure.explanation.scope,
              'groups sent': (azure.explanation.groupsSent ?? []).length,
              'groups dropped (not GUIDs)': (azure.explanation.groupsDropped ?? []).join(', ') || undefined,
            }),
            (azure.explanation.decisions ?? []).map((d) =>
              h(
                'ul',
                { class: 'verdicts', 'aria-label': `Assignments considered for ${d.actionId}` },
                d.verdicts.length === 0
                  ? h('li', {}, 'The user and their groups have no role assignments.')
                  : null,
                d.verdicts.map((v) =>
                  h(
                    'li',
                    { class: `verdict-${v.outcome}` },
                    `${v.roleName ?? '?'} at ${v.assignment.scope} (${v.via}): ${v.outcome} — ${v.detail}`,
                  ),
                ),
              ),
            ),
          )
        : null,
      a.notes.length
        ? h(
            'ul',
            { class: 'notes' },
            a.notes.map((n) => h('li', {}, n)),
          )
        : null,
      jsonBlock('SubjectAccessReview spec the API server would send', a.spec),
    ),
  )
}

/**
 * The answer to "who can …?" for the request `q`.
 * @param {HTMLElement} result
 * @param {WhoCanAnswer} w
 * @param {NonNullable<SubjectAccessReviewSpec['resourceAttributes']>} q
 */
export function renderWhoCan(result, w, q) {
  clear(result).append(
    h(
      'section',
      { class: 'answer', 'aria-labelledby': 'who-title' },
      h('h2', { id: 'who-title' }, `Who can ${describe({ resourceAttributes: q })}?`),
      table(
        'Directory users',
        ['User', 'Answer', 'Decided by', 'Reason'],
        w.users.map((u) => [
          `${u.displayName} (${u.upn})`,
          u.allowed ? 'allowed' : 'no',
          u.decidedBy,
          u.reason,
        ]),
      ),
      w.kubernetes.length
        ? table(
            'Kubernetes RBAC subjects',
            ['Subject', 'Binding', 'Role'],
            w.kubernetes.map((k) => [k.subject, k.binding, k.role]),
          )
        : h('p', {}, 'No Kubernetes binding allows it.'),
      w.dataAction
        ? w.azure.length
          ? table(
              `Azure role assignments granting ${w.dataAction}`,
              ['Principal', 'Type', 'Role', 'Scope'],
              w.azure.map((a) => [a.principal, a.principalType, a.role, a.scope]),
            )
          : h('p', {}, `No Azure role assignment grants ${w.dataAction} at ${w.scope}.`)
        : null,
    ),
  )
}

/**
 * The request in a few words: "list pods in default".
 * @param {Pick<SubjectAccessReviewSpec, 'resourceAttributes' | 'nonResourceAttributes'>} spec
 */
export function describe(spec) {
  const ra = spec.resourceAttributes
  if (!ra) return `${spec.nonResourceAttributes?.verb} ${spec.nonResourceAttributes?.path}`
  const res = ra.subresource ? `${ra.resource}/${ra.subresource}` : ra.resource
  return `${ra.verb} ${res}${ra.group ? `.${ra.group}` : ''}${ra.name ? ` ${ra.name}` : ''}${ra.namespace ? ` in ${ra.namespace}` : ' (cluster scope)'}`
}
