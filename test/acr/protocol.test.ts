/** Unit tests of the registry's protocol functions: scopes, names, conditions, scope maps, manifests, paths, paging. */
import { describe, expect, it } from 'vitest'
import { patternCovers, scopeMapActions } from '../../src/acr/authorize.js'
import { conditionHolds, parseCondition } from '../../src/acr/conditions.js'
import { ManifestInvalid, NameInvalid, NotFound } from '../../src/acr/errors.js'
import { generateImage } from '../../src/acr/images.js'
import { parseManifest, OCI_INDEX } from '../../src/acr/manifests.js'
import { page } from '../../src/acr/metadata.js'
import { isRepositoryName, isTag } from '../../src/acr/names.js'
import { parseRegistryPath, requiredAction } from '../../src/acr/paths.js'
import { parseScopes } from '../../src/acr/scopes.js'
import { scopeMapProblems, SYSTEM_SCOPE_MAPS } from '../../src/acr/settings.js'

const REPO = '@Request[Microsoft.ContainerRegistry/registries/repositories:name]'

describe('scopes', () => {
  it('reads repeated and space-separated scopes, names with slashes, and merges actions', () => {
    expect(
      parseScopes([
        'registry:catalog:* repository:samples/nginx:pull',
        'repository:samples/nginx:push,pull',
        'bogus',
        'repository::pull',
      ]),
    ).toEqual([
      { type: 'registry', name: 'catalog', actions: ['*'] },
      { type: 'repository', name: 'samples/nginx', actions: ['pull', 'push'] },
    ])
  })
  it('expands repository:<n>:* to every repository action', () => {
    expect(parseScopes('repository:a:*')[0]!.actions).toEqual([
      'pull',
      'push',
      'delete',
      'metadata_read',
      'metadata_write',
    ])
  })
})

describe('names', () => {
  it('accepts distribution repository names and tags, refuses the rest', () => {
    expect(isRepositoryName('samples/nginx')).toBe(true)
    expect(isRepositoryName('a.b__c/d-e')).toBe(true)
    for (const bad of ['Samples', 'a//b', '/a', 'a/', 'a..b', '']) expect(isRepositoryName(bad)).toBe(false)
    expect(isTag('v1.2_3-x')).toBe(true)
    expect(isTag('.v1')).toBe(false)
  })
})

describe('ABAC conditions', () => {
  const prefix = `((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})) OR (${REPO} StringStartsWithIgnoreCase 'backend/'))`
  it('StringStartsWithIgnoreCase limits the matched action to the prefix', () => {
    const read = 'Microsoft.ContainerRegistry/registries/repositories/content/read'
    expect(conditionHolds(prefix, { action: read, repository: 'Backend/api' })).toBe(true)
    expect(conditionHolds(prefix, { action: read, repository: 'backendsvc/api' })).toBe(false)
    // Actions the condition does not name are not restricted by it.
    expect(
      conditionHolds(prefix, {
        action: 'Microsoft.ContainerRegistry/registries/repositories/content/write',
        repository: 'x',
      }),
    ).toBe(true)
  })
  it('StringEqualsIgnoreCase, OR of several names, NOT', () => {
    const c = `${REPO} StringEqualsIgnoreCase 'nginx' OR ${REPO} StringEqualsIgnoreCase {'a', 'b'}`
    expect(conditionHolds(c, { action: 'x', repository: 'NGINX' })).toBe(true)
    expect(conditionHolds(c, { action: 'x', repository: 'b' })).toBe(true)
    expect(conditionHolds(c, { action: 'x', repository: 'c' })).toBe(false)
    expect(conditionHolds(`NOT (${REPO} StringEquals 'a')`, { action: 'x', repository: 'a' })).toBe(false)
  })
  it('@Resource attributes have no value here, and a condition that does not parse never holds', () => {
    expect(
      conditionHolds(`@Resource[Microsoft.ContainerRegistry/registries/repositories:name] StringEquals 'a'`, {
        action: 'x',
        repository: 'a',
      }),
    ).toBe(false)
    expect(conditionHolds(`(${REPO} StringEquals 'a'`, { action: 'x', repository: 'a' })).toBe(false)
    expect(() => parseCondition(`${REPO} Bogus 'a'`)).toThrow()
  })
})

describe('scope maps', () => {
  it('matches exact names, trailing /* prefixes and *', () => {
    expect(patternCovers('samples/*', 'samples/nginx')).toBe(true)
    expect(patternCovers('samples/*', 'samples')).toBe(false)
    expect(patternCovers('samples/*', 'samplesx/a')).toBe(false)
    expect(patternCovers('*', 'anything/at/all')).toBe(true)
    expect(patternCovers('a/b', 'a/b')).toBe(true)
  })
  it('_repositories_pull has no metadata/read; rules are additive', () => {
    const pull = SYSTEM_SCOPE_MAPS.find((m) => m.name === '_repositories_pull')!
    expect([...scopeMapActions(pull, 'x')]).toEqual(['pull'])
    const map = {
      name: 'm',
      description: '',
      type: 'UserDefined' as const,
      actions: ['repositories/a/*/content/read', 'repositories/a/b/metadata/read'],
    }
    expect([...scopeMapActions(map, 'a/b')].sort()).toEqual(['metadata_read', 'pull'])
  })
  it('refuses wildcards that are not a trailing /* or *', () => {
    expect(
      scopeMapProblems([
        'repositories/sample/*/teamA/content/read',
        'repositories/sample/teamA*/content/read',
      ]),
    ).toHaveLength(2)
    expect(
      scopeMapProblems(['repositories/samples/*/content/read', 'repositories/*/metadata/write']),
    ).toEqual([])
  })
})

describe('manifests', () => {
  it('reads a generated OCI image manifest: config and layer blobs', () => {
    const img = generateImage('a/b', 0)
    const p = parseManifest(img.manifest, undefined)
    expect(p.blobs).toHaveLength(2)
    expect(generateImage('a/b', 0).digest).toBe(img.digest)
  })
  it('reads an index with platforms and refuses bad documents', () => {
    const d = `sha256:${'a'.repeat(64)}`
    const idx = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: 'x', digest: d, size: 1, platform: { architecture: 'arm64', os: 'linux' } }],
      }),
    )
    expect(parseManifest(idx, OCI_INDEX).children).toEqual([
      { digest: d, architecture: 'arm64', os: 'linux' },
    ])
    expect(() => parseManifest(Buffer.from('{'), undefined)).toThrow(ManifestInvalid)
    expect(() => parseManifest(Buffer.from('{"schemaVersion":1}'), undefined)).toThrow(ManifestInvalid)
    expect(() =>
      parseManifest(Buffer.from('{"schemaVersion":2,"config":{},"layers":[]}'), undefined),
    ).toThrow(ManifestInvalid)
  })
})

describe('paths and the challenge scope each API asks for', () => {
  it('decodes %2F in /acr/v1 names and maps routes to actions', () => {
    const r = parseRegistryPath('/acr/v1/samples%2Fnginx/_tags/latest')
    expect(r).toEqual({ api: 'acr-tags', name: 'samples/nginx', tag: 'latest' })
    expect(requiredAction(r, 'DELETE')).toEqual({
      type: 'repository',
      name: 'samples/nginx',
      actions: ['delete'],
    })
    expect(requiredAction(r, 'PATCH')!.actions).toEqual(['metadata_write'])
    expect(requiredAction(parseRegistryPath('/v2/a/b/tags/list'), 'GET')!.actions).toEqual(['metadata_read'])
    expect(requiredAction(parseRegistryPath('/v2/a/b/manifests/x'), 'HEAD')!.actions).toEqual(['pull'])
    expect(requiredAction(parseRegistryPath('/v2/a/blobs/uploads/'), 'POST')!.actions).toEqual(['push'])
    expect(requiredAction(parseRegistryPath('/v2/_catalog'), 'GET')).toEqual({
      type: 'registry',
      name: 'catalog',
      actions: ['*'],
    })
    expect(requiredAction(parseRegistryPath('/v2/'), 'GET')).toBeUndefined()
    expect(() => parseRegistryPath('/v2/UPPER/manifests/x')).toThrow(NameInvalid)
    expect(() => parseRegistryPath('/nothing')).toThrow(NotFound)
  })
})

describe('paging', () => {
  it('pages after last, n at a time', () => {
    const id = (s: string) => s
    expect(page(['a', 'b', 'c'], id, 2, undefined)).toEqual({ items: ['a', 'b'], more: true })
    expect(page(['a', 'b', 'c'], id, 2, 'b')).toEqual({ items: ['c'], more: false })
    expect(page(['a', 'c'], id, 5, 'b')).toEqual({ items: ['c'], more: false })
  })
})
