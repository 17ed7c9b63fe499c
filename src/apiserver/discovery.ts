/**
 * API discovery: aggregated (apidiscovery.k8s.io v2 and v2beta1, what kubectl ≥ 1.26 asks for at
 * /api and /apis) and the legacy documents (APIVersions, APIGroupList, APIGroup, APIResourceList) that
 * `kubectl auth can-i` and older clients read.
 */
import { apiVersionOf, type Registry, type ResourceDef } from './registry.js'

const sorted = (v: string[]) => [...v].sort()

function discoveryResource(r: ResourceDef): Record<string, unknown> {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: sorted(r.verbs),
    ...(r.shortNames.length && { shortNames: r.shortNames }),
    ...(r.categories.length && { categories: r.categories }),
    ...(r.subresources.length && {
      subresources: r.subresources.map((s) => ({
        subresource: s.name,
        responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
        verbs: sorted(s.verbs),
      })),
    }),
  }
}

/** APIGroupDiscoveryList for /api (core) or /apis (named groups). */
export function aggregatedDiscovery(
  registry: Registry,
  core: boolean,
  version: 'v2' | 'v2beta1',
): Record<string, unknown> {
  const groups = registry.groups().filter((g) => (core ? g === '' : g !== ''))
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { ...(g && { name: g }), creationTimestamp: null },
      versions: registry.versions(g).map((version) => ({
        version,
        resources: registry.all.filter((r) => r.group === g && r.version === version).map(discoveryResource),
        freshness: 'Current',
      })),
    })),
  }
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  }
}

function apiGroup(registry: Registry, group: string): Record<string, unknown> {
  const versions = registry
    .versions(group)
    .map((version) => ({ groupVersion: `${group}/${version}`, version }))
  return { name: group, versions, preferredVersion: versions[0] }
}

export function apiGroupList(registry: Registry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter((g) => g !== '')
      .map((g) => apiGroup(registry, g)),
  }
}

export function apiGroupDocument(registry: Registry, group: string): Record<string, unknown> {
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(registry, group) }
}

/** APIResourceList for /api/v1 or /apis/<group>/v1 (the core list carries no apiVersion). */
export function apiResourceList(registry: Registry, group: string, version = 'v1'): Record<string, unknown> {
  const resources: Record<string, unknown>[] = []
  for (const r of registry.all.filter((x) => x.group === group && x.version === version)) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length && { shortNames: r.shortNames }),
      ...(r.categories.length && { categories: r.categories }),
    })
    for (const s of r.subresources)
      resources.push({
        name: `${r.resource}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(s.group !== undefined && { group: s.group }),
        ...(s.version !== undefined && { version: s.version }),
        kind: s.kind,
        verbs: s.verbs,
      })
  }
  return {
    kind: 'APIResourceList',
    ...(group && { apiVersion: 'v1' }),
    groupVersion: apiVersionOf({ group, version }),
    resources,
  }
}

export const DISCOVERY_CONTENT_TYPE = (version: string) =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`
