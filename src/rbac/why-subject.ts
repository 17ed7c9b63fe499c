/**
 * For `why`: which subject of a binding came nearest to the user, and what keeps it from matching
 * (case differences, a ServiceAccount in another namespace, groups RBAC does not derive, …).
 */
import { goQuote } from '../kube/index.js'
import type { NormalizedBinding } from './normalize.js'
import { serviceAccountUsername, subjectServiceAccountNamespace } from './subjects.js'
import type { Subject, UserInfo } from './types.js'

export interface NearSubject {
  subject?: Subject
  message: string
  /** A narrow miss (case, namespace, a group RBAC does not derive) rather than someone else entirely. */
  specific: boolean
}

interface Miss {
  message: string
  specific: boolean
}

/** Why this subject misses, when there is more to say than "someone else". */
function explainMiss(user: UserInfo, subject: Subject, bindingNamespace: string): Miss | undefined {
  const lower = (s: string) => s.toLowerCase()
  const groups = user.groups ?? []
  const userSa = /^system:serviceaccount:([^:]*):(.*)$/.exec(user.name)
  switch (subject.kind) {
    case 'User':
      if (lower(subject.name) === lower(user.name))
        return {
          message: `User ${goQuote(subject.name)} differs from ${goQuote(user.name)} only in case (names are case-sensitive)`,
          specific: true,
        }
      return undefined
    case 'Group': {
      const almost = groups.find((g) => lower(g) === lower(subject.name))
      if (almost !== undefined)
        return {
          message: `Group ${goQuote(subject.name)} differs from the user's group ${goQuote(almost)} only in case`,
          specific: true,
        }
      if (subject.name.startsWith('system:serviceaccounts') && userSa)
        return {
          message: `the user is not in Group ${goQuote(subject.name)}: RBAC derives no groups, the request must list them`,
          specific: true,
        }
      if (subject.name === 'system:authenticated' || subject.name === 'system:unauthenticated')
        return {
          message: `the user is not in Group ${goQuote(subject.name)} (authentication adds it on a real cluster; a SubjectAccessReview must list it)`,
          specific: false,
        }
      return undefined
    }
    case 'ServiceAccount': {
      const ns = subjectServiceAccountNamespace(subject, bindingNamespace)
      if (!userSa || userSa[2] !== subject.name) return undefined
      if (ns === '')
        return {
          message: `ServiceAccount ${goQuote(subject.name)} has no namespace: in a ClusterRoleBinding it never matches`,
          specific: true,
        }
      return {
        message: `ServiceAccount ${goQuote(`${subject.name}/${ns}`)} is ${goQuote(serviceAccountUsername(ns, subject.name))}, not ${goQuote(user.name)}${subject.namespace ? '' : ' (its namespace defaults to the binding’s)'}`,
        specific: true,
      }
    }
    default:
      return {
        message: `subject kind ${goQuote(subject.kind)} never matches (only User, Group and ServiceAccount do)`,
        specific: false,
      }
  }
}

const describe = (s: Subject, bindingNamespace: string) =>
  s.kind === 'ServiceAccount'
    ? `ServiceAccount ${goQuote(`${s.name}/${subjectServiceAccountNamespace(s, bindingNamespace)}`)}`
    : `${s.kind} ${goQuote(s.name)}`

/** The nearest subject of a binding that does not apply to the user. */
export function nearestSubject(user: UserInfo, binding: NormalizedBinding): NearSubject {
  if (binding.subjects.length === 0) return { message: 'the binding has no subjects', specific: false }
  const misses = binding.subjects.map((subject) => ({
    subject,
    miss: explainMiss(user, subject, binding.namespace),
  }))
  const best = misses.find((m) => m.miss?.specific) ?? misses.find((m) => m.miss)
  if (best?.miss) return { subject: best.subject, ...best.miss }
  const shown = binding.subjects.slice(0, 3).map((s) => describe(s, binding.namespace))
  const more = binding.subjects.length > 3 ? ` and ${binding.subjects.length - 3} more` : ''
  return {
    subject: binding.subjects[0]!,
    message: `no subject is the user ${goQuote(user.name)} or one of its groups: ${shown.join(', ')}${more}`,
    specific: false,
  }
}
