/**
 * RuleAllows and its helpers, as in kubernetes pkg/apis/rbac/v1/evaluation_helpers.go and
 * plugin/pkg/auth/authorizer/rbac/rbac.go. Everything is exact and case-sensitive.
 */
import type { AccessRequest, PolicyRule } from './types.js'

const ALL = '*'
const TRAILING_STARS = /\*+$/

/** Whether `list` holds `*` or `value` (a loop: this runs for every rule of every candidate binding). */
function hasOrAll(list: readonly string[] | undefined, value: string): boolean {
  if (!list) return false
  for (const item of list) if (item === ALL || item === value) return true
  return false
}

/** A rule verb `*` matches every verb; a request verb `*` matches only a rule verb `*`. */
export const verbMatches = (rule: PolicyRule, verb: string): boolean => hasOrAll(rule.verbs, verb)

export const apiGroupMatches = (rule: PolicyRule, group: string): boolean => hasOrAll(rule.apiGroups, group)

/**
 * `*` matches every resource and subresource; otherwise the rule must name `resource` or
 * `resource/subresource` exactly, or be `*∕subresource` for a request that has that subresource.
 * `pods` does not cover `pods/log`, and `pods/*` is a literal, not a wildcard.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  const resources = rule.resources
  if (!resources) return false
  for (const r of resources) {
    if (r === ALL || r === combined) return true
    if (
      subresource !== '' &&
      r.length === subresource.length + 2 &&
      r.startsWith('*/') &&
      r.endsWith(subresource)
    )
      return true
  }
  return false
}

/** An empty list allows any name, including "" (list, watch, create, deletecollection); else exact. */
export const resourceNameMatches = (rule: PolicyRule, name: string): boolean =>
  !rule.resourceNames || rule.resourceNames.length === 0 || rule.resourceNames.includes(name)

/** `*`, an exact path, or a pattern ending in `*` (all trailing `*` stripped) that prefixes the path. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  const urls = rule.nonResourceURLs
  if (!urls) return false
  for (const u of urls) {
    if (u === ALL || u === path) return true
    if (u.endsWith(ALL) && path.startsWith(u.replace(TRAILING_STARS, ''))) return true
  }
  return false
}

export const combinedResource = (resource: string, subresource: string): string =>
  subresource === '' ? resource : `${resource}/${subresource}`

/** Whether one rule allows the request (resource or non-resource). */
export function ruleAllows(request: AccessRequest, rule: PolicyRule): boolean {
  const ra = request.resourceAttributes
  if (ra) {
    const sub = ra.subresource ?? ''
    return (
      verbMatches(rule, ra.verb ?? '') &&
      apiGroupMatches(rule, ra.group ?? '') &&
      resourceMatches(rule, combinedResource(ra.resource ?? '', sub), sub) &&
      resourceNameMatches(rule, ra.name ?? '')
    )
  }
  const nra = request.nonResourceAttributes
  if (!nra) return false
  return verbMatches(rule, nra.verb ?? '') && nonResourceURLMatches(rule, nra.path ?? '')
}

/** The namespace RoleBindings are read from: "" for non-resource and cluster-wide requests. */
export const requestNamespace = (request: AccessRequest): string =>
  request.resourceAttributes?.namespace ?? ''
