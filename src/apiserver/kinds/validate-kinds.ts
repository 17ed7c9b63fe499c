/**
 * The parts of each kind's upstream validation (pkg/apis/<group>/validation) that users run into:
 * required fields, enumerations, port ranges, config keys, selector/template agreement, immutable
 * fields on update. Messages use the upstream field.Error text.
 */
import { isDeepStrictEqual } from 'node:util'
import {
  type FieldError,
  dns1123Label,
  duplicate,
  forbidden,
  invalid,
  invalidRaw,
  notSupported,
  required,
  tooLong,
} from '../../kube/index.js'
import type { KubeObject } from '../types.js'

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/

function validateContainers(list: unknown[], path: string, requireOne: boolean): FieldError[] {
  const errs: FieldError[] = []
  if (requireOne && list.length === 0) errs.push(required(path))
  const seen = new Set<string>()
  list.forEach((c, i) => {
    const p = `${path}[${i}]`
    const name = obj(c).name
    if (typeof name !== 'string' || !name) errs.push(required(`${p}.name`))
    else {
      for (const msg of dns1123Label(name)) errs.push(invalid(`${p}.name`, name, msg))
      if (seen.has(name)) errs.push(duplicate(`${p}.name`, name))
      seen.add(name)
    }
    if (!obj(c).image) errs.push(required(`${p}.image`))
    arr(obj(c).ports).forEach((port, j) => {
      const cp = obj(port).containerPort
      if (typeof cp !== 'number' || cp < 1 || cp > 65535)
        errs.push(
          cp === undefined
            ? required(`${p}.ports[${j}].containerPort`)
            : invalid(`${p}.ports[${j}].containerPort`, cp, 'must be between 1 and 65535, inclusive'),
        )
      const proto = obj(port).protocol
      if (proto !== undefined && !['TCP', 'UDP', 'SCTP'].includes(proto as string))
        errs.push(notSupported(`${p}.ports[${j}].protocol`, proto, ['SCTP', 'TCP', 'UDP']))
    })
    arr(obj(c).env).forEach((e, j) => {
      if (!obj(e).name) errs.push(required(`${p}.env[${j}].name`))
    })
  })
  return errs
}

function validatePodSpec(spec: Obj, path: string): FieldError[] {
  const errs = validateContainers(arr(spec.containers), `${path}.containers`, true)
  errs.push(...validateContainers(arr(spec.initContainers), `${path}.initContainers`, false))
  const rp = spec.restartPolicy
  if (rp !== undefined && !['Always', 'OnFailure', 'Never'].includes(rp as string))
    errs.push(notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']))
  const volumes = new Set<string>()
  arr(spec.volumes).forEach((v, i) => {
    const name = obj(v).name
    if (typeof name !== 'string' || !name) errs.push(required(`${path}.volumes[${i}].name`))
    else if (volumes.has(name)) errs.push(duplicate(`${path}.volumes[${i}].name`, name))
    else volumes.add(name)
  })
  return errs
}

const labelSelectorMatches = (selector: Obj, labels: Record<string, string>): boolean => {
  const ml = obj(selector.matchLabels) as Record<string, string>
  if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) return false
  return arr(selector.matchExpressions).every((e) => {
    const { key, operator, values } = obj(e) as { key?: string; operator?: string; values?: string[] }
    const has = key !== undefined && key in labels
    const v = key === undefined ? undefined : labels[key]
    switch (operator) {
      case 'In':
        return has && (values ?? []).includes(v!)
      case 'NotIn':
        return !has || !(values ?? []).includes(v!)
      case 'Exists':
        return has
      case 'DoesNotExist':
        return !has
      default:
        return false
    }
  })
}

function goMap(m: Record<string, string>): string {
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
  return `map[string]string{${entries.join(', ')}}`
}

const KIND_VALIDATORS: Record<string, (o: KubeObject, old?: KubeObject) => FieldError[]> = {
  Pod(o, old) {
    if (old) {
      // Pod specs are immutable apart from images, activeDeadlineSeconds and added tolerations.
      const strip = (s: Obj) => ({
        ...s,
        containers: arr(s.containers).map((c) => ({ ...obj(c), image: undefined })),
        initContainers: arr(s.initContainers).map((c) => ({ ...obj(c), image: undefined })),
        activeDeadlineSeconds: undefined,
        tolerations: undefined,
      })
      if (!isDeepStrictEqual(strip(obj(o.spec)), strip(obj(old.spec))))
        return [
          forbidden(
            'spec',
            'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
          ),
        ]
    }
    return validatePodSpec(obj(o.spec), 'spec')
  },
  Deployment(o, old) {
    const spec = obj(o.spec)
    const errs: FieldError[] = []
    const replicas = spec.replicas
    if (typeof replicas === 'number' && replicas < 0)
      errs.push(invalid('spec.replicas', replicas, 'must be greater than or equal to 0'))
    const selector = spec.selector
    const template = obj(spec.template)
    const labels = obj(obj(template.metadata).labels) as Record<string, string>
    if (!selector) errs.push(required('spec.selector'))
    else if (
      Object.keys(obj(obj(selector).matchLabels)).length + arr(obj(selector).matchExpressions).length ===
      0
    )
      errs.push(invalid('spec.selector', selector, 'empty selector is invalid for deployment'))
    else if (!labelSelectorMatches(obj(selector), labels))
      errs.push(
        invalidRaw(
          'spec.template.metadata.labels',
          goMap(labels),
          '`selector` does not match template `labels`',
        ),
      )
    errs.push(...validatePodSpec(obj(template.spec), 'spec.template.spec'))
    const strategy = obj(spec.strategy).type
    if (strategy !== undefined && !['Recreate', 'RollingUpdate'].includes(strategy as string))
      errs.push(notSupported('spec.strategy.type', strategy, ['Recreate', 'RollingUpdate']))
    if (old && !isDeepStrictEqual(obj(old.spec).selector, spec.selector))
      errs.push(invalid('spec.selector', spec.selector ?? null, 'field is immutable'))
    return errs
  },
  // ValidateReplicaSetSpec words its selector errors as the deployment's (apps/validation).
  ReplicaSet(o, old) {
    return KIND_VALIDATORS.Deployment!(o, old)
  },
  Service(o) {
    const spec = obj(o.spec)
    const errs: FieldError[] = []
    const type = spec.type ?? 'ClusterIP'
    if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type as string))
      errs.push(notSupported('spec.type', type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']))
    const ports = arr(spec.ports)
    if (ports.length === 0 && type !== 'ExternalName' && spec.clusterIP !== 'None')
      errs.push(required('spec.ports'))
    ports.forEach((p, i) => {
      const port = obj(p).port
      if (typeof port !== 'number' || port < 1 || port > 65535)
        errs.push(
          port === undefined
            ? required(`spec.ports[${i}].port`)
            : invalid(`spec.ports[${i}].port`, port, 'must be between 1 and 65535, inclusive'),
        )
      if (ports.length > 1 && !obj(p).name) errs.push(required(`spec.ports[${i}].name`))
    })
    if (type === 'ExternalName' && !spec.externalName) errs.push(required('spec.externalName'))
    return errs
  },
  ConfigMap(o, old) {
    return validateKeyedData(o, old, ['data', 'binaryData'])
  },
  Secret(o, old) {
    const errs = validateKeyedData(o, old, ['data'])
    if (old && (old.type ?? 'Opaque') !== (o.type ?? 'Opaque'))
      errs.push(invalid('type', o.type ?? '', 'field is immutable'))
    return errs
  },
  Role: (o) => validateRules(arr(o.rules), true),
  ClusterRole: (o) => validateRules(arr(o.rules), false),
  RoleBinding: (o, old) => validateBinding(o, old, true),
  ClusterRoleBinding: (o, old) => validateBinding(o, old, false),
}

function validateKeyedData(o: KubeObject, old: KubeObject | undefined, fields: string[]): FieldError[] {
  const errs: FieldError[] = []
  let size = 0
  for (const f of fields) {
    for (const [k, v] of Object.entries(obj(o[f]))) {
      if (!CONFIG_KEY.test(k) || k === '.' || k === '..' || k.startsWith('..') || k.length > 253)
        errs.push(
          invalid(
            `${f}[${k}]`,
            k,
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
          ),
        )
      size += typeof v === 'string' ? v.length : 0
    }
  }
  if (size > 1024 * 1024)
    // Go passes field.NewPath(""), which prints as `[]`: the error is about the whole object.
    errs.push(tooLong('[]', 1024 * 1024))
  if (old?.immutable === true) {
    if (o.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'))
    for (const f of fields)
      if (!isDeepStrictEqual(o[f] ?? {}, old[f] ?? {}))
        errs.push(forbidden(f, 'field is immutable when `immutable` is set'))
  }
  return errs
}

function validateRules(rules: unknown[], namespaced: boolean): FieldError[] {
  const errs: FieldError[] = []
  rules.forEach((r, i) => {
    const rule = obj(r)
    const p = `rules[${i}]`
    if (arr(rule.verbs).length === 0)
      errs.push(required(`${p}.verbs`, 'verbs must contain at least one value'))
    const nonResource = arr(rule.nonResourceURLs)
    if (nonResource.length) {
      if (namespaced)
        errs.push(
          invalid(`${p}.nonResourceURLs`, nonResource, 'namespaced rules cannot apply to non-resource URLs'),
        )
      if (arr(rule.apiGroups).length || arr(rule.resources).length || arr(rule.resourceNames).length)
        errs.push(
          invalid(
            `${p}.nonResourceURLs`,
            nonResource,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        )
      return
    }
    if (arr(rule.apiGroups).length === 0)
      errs.push(required(`${p}.apiGroups`, 'resource rules must supply at least one api group'))
    if (arr(rule.resources).length === 0)
      errs.push(required(`${p}.resources`, 'resource rules must supply at least one resource'))
  })
  return errs
}

function validateBinding(o: KubeObject, old: KubeObject | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = []
  const ref = obj(o.roleRef)
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole']
  if (ref.apiGroup !== 'rbac.authorization.k8s.io')
    errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', ['rbac.authorization.k8s.io']))
  if (!kinds.includes(ref.kind as string)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds))
  if (!ref.name) errs.push(required('roleRef.name'))
  arr(o.subjects).forEach((s, i) => {
    const subject = obj(s)
    const p = `subjects[${i}]`
    if (!subject.name) errs.push(required(`${p}.name`))
    switch (subject.kind) {
      case 'ServiceAccount':
        if (subject.apiGroup) errs.push(notSupported(`${p}.apiGroup`, subject.apiGroup, ['']))
        if (!namespaced && !subject.namespace) errs.push(required(`${p}.namespace`))
        break
      case 'User':
      case 'Group':
        if (subject.apiGroup !== 'rbac.authorization.k8s.io')
          errs.push(notSupported(`${p}.apiGroup`, subject.apiGroup ?? '', ['rbac.authorization.k8s.io']))
        break
      default:
        errs.push(notSupported(`${p}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']))
    }
  })
  if (old && !isDeepStrictEqual(old.roleRef, o.roleRef))
    errs.push(invalidRaw('roleRef', goRoleRef(ref), 'cannot change roleRef'))
  return errs
}

const goRoleRef = (r: Obj) =>
  `rbac.RoleRef{APIGroup:${JSON.stringify(r.apiGroup ?? '')}, Kind:${JSON.stringify(r.kind ?? '')}, Name:${JSON.stringify(r.name ?? '')}}`

/** Kind-specific validation of a new object, or of an update when `old` is given. */
export function validateKind(kind: string, o: KubeObject, old?: KubeObject): FieldError[] {
  return KIND_VALIDATORS[kind]?.(o, old) ?? []
}
