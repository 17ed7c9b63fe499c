/**
 * ObjectMeta validation (apimachinery ValidateObjectMeta / ValidateObjectMetaUpdate): name format per
 * kind, label and annotation keys and values, and the fields an update may not change.
 */
import {
  type FieldError,
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  forbidden,
  invalid,
  labelValue,
  pathSegmentName,
  qualifiedName,
  required,
  tooLong,
} from '../../kube/index.js'
import type { NameRule } from '../registry.js'
import type { ObjectMeta } from '../types.js'

const NAME_CHECKS: Record<NameRule, (v: string) => string[]> = {
  subdomain: dns1123Subdomain,
  label: dns1123Label,
  dns1035: dns1035Label,
  path: pathSegmentName,
}

const TOTAL_ANNOTATION_SIZE = 256 * 1024

export function validateObjectMeta(meta: ObjectMeta, rule: NameRule, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = []
  const name = meta.name ?? ''
  if (!name) {
    errs.push(required('metadata.name', 'name or generateName is required'))
  } else {
    for (const msg of NAME_CHECKS[rule](name)) errs.push(invalid('metadata.name', name, msg))
  }
  if (meta.generateName && rule !== 'path') {
    // generateName must itself be a valid prefix (a trailing '-' is allowed).
    const prefix = meta.generateName.replace(/-+$/, '') || 'a'
    for (const msg of NAME_CHECKS[rule](prefix))
      errs.push(invalid('metadata.generateName', meta.generateName, msg))
  }
  if (namespaced && !meta.namespace) errs.push(required('metadata.namespace'))
  if (!namespaced && meta.namespace) errs.push(forbidden('metadata.namespace', 'not allowed on this type'))
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    for (const msg of qualifiedName(k)) errs.push(invalid('metadata.labels', k, msg))
    for (const msg of labelValue(v)) errs.push(invalid(`metadata.labels`, v, msg))
  }
  let size = 0
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    for (const msg of qualifiedName(k.toLowerCase())) errs.push(invalid('metadata.annotations', k, msg))
    size += k.length + v.length
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE))
  for (const [i, f] of (meta.finalizers ?? []).entries())
    for (const msg of qualifiedName(f)) errs.push(invalid(`metadata.finalizers[${i}]`, f, msg))
  return errs
}

/** Fields of metadata an update may not change. */
export function validateObjectMetaUpdate(next: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = []
  if (next.name !== old.name) errs.push(invalid('metadata.name', next.name ?? '', 'field is immutable'))
  if ((next.namespace ?? '') !== (old.namespace ?? ''))
    errs.push(invalid('metadata.namespace', next.namespace ?? '', 'field is immutable'))
  if (next.uid !== undefined && next.uid !== old.uid)
    errs.push(invalid('metadata.uid', next.uid, 'field is immutable'))
  return errs
}
