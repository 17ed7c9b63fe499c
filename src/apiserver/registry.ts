/**
 * How a served resource is described — group/version/kind, scope, discovery data (verbs, short
 * names, categories, subresources), name rules, the protobuf message, and the registry quirks of
 * kube-apiserver that clients can observe (what DELETE returns, whether PUT may create, whether spec
 * changes bump metadata.generation) — and the lookup tables over them.
 */
import type { CustomResourceInfo } from './crd/definition.js'
import type { KubeObject } from './types.js'

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path'

export interface SubresourceDef {
  name: string
  kind: string
  group?: string
  version?: string
  verbs: string[]
}

export interface ResourceDef {
  group: string
  version: string
  resource: string
  kind: string
  singular: string
  namespaced: boolean
  shortNames: string[]
  categories: string[]
  verbs: string[]
  subresources: SubresourceDef[]
  /** Fully qualified protobuf message name. */
  proto: string
  /** Review kinds are computed per request and never stored. */
  stored: boolean
  nameRule: NameRule
  /** DELETE answers the deleted object instead of a Success Status (genericregistry ReturnDeletedObject). */
  returnDeletedObject: boolean
  /** PUT on a missing object creates it (rest.RESTUpdateStrategy AllowCreateOnUpdate). */
  allowCreateOnUpdate: boolean
  /** metadata.generation starts at 1 and grows with every spec change. */
  tracksGeneration: boolean
  /** Field selectors beyond metadata.name / metadata.namespace (the registry's GetAttrs). */
  fieldLabels: Record<string, (obj: KubeObject) => string>
  /** Set for custom resources: served from a CRD's structural schema instead of a protobuf message. */
  custom?: CustomResourceInfo
}

export const apiVersionOf = (def: Pick<ResourceDef, 'group' | 'version'>): string =>
  def.group ? `${def.group}/${def.version}` : def.version

/** Lookup tables over the served resources. */
export interface Registry {
  all: readonly ResourceDef[]
  /** By group and plural resource name, in the group's preferred version (v1). */
  byResource(group: string, resource: string): ResourceDef | undefined
  /** By group, version and plural resource name. */
  byGVR(group: string, version: string, resource: string): ResourceDef | undefined
  /** By apiVersion and kind (for seeding and body checks). */
  byKind(apiVersion: string, kind: string): ResourceDef | undefined
  /** Served group names, in discovery order (core first). */
  groups(): string[]
  /** A group's served versions, the preferred one first. */
  versions(group: string): string[]
}

export function createRegistry(resources: ResourceDef[]): Registry {
  const byGVR = new Map(resources.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]))
  const byKind = new Map(resources.map((r) => [`${apiVersionOf(r)}/${r.kind}`, r]))
  const groups = [...new Set(resources.map((r) => r.group))]
  const versions = new Map(
    groups.map((g) => [
      g,
      [...new Set(resources.filter((r) => r.group === g).map((r) => r.version))].sort((a, b) =>
        a === 'v1' ? -1 : b === 'v1' ? 1 : a < b ? -1 : 1,
      ),
    ]),
  )
  return {
    all: resources,
    byResource: (group, resource) => byGVR.get(`${group}/v1/${resource}`),
    byGVR: (group, version, resource) => byGVR.get(`${group}/${version}/${resource}`),
    byKind: (apiVersion, kind) => byKind.get(`${apiVersion}/${kind}`),
    groups: () => groups,
    versions: (group) => versions.get(group) ?? [],
  }
}
