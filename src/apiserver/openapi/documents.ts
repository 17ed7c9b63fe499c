/**
 * The OpenAPI documents: `/openapi/v3` (the index of group-version documents with their hashes),
 * one v3 document per served group-version, and `/openapi/v2`. The operations carry what clients
 * look for: operation-level `fieldValidation`/`dryRun`/`fieldManager` query parameters and
 * `x-kubernetes-group-version-kind` / `x-kubernetes-action` (cli-runtime's query_param_verifier_v3
 * decides from them whether `kubectl apply` may let the server validate).
 */
import { createHash } from 'node:crypto'
import type { Registry } from '../registry.js'
import { type SchemaModel } from '../../kube/index.js'
import { META, pathsFor, toV2Params, type Ctx, type Obj } from './paths.js'
import { createSchemaSet } from './schemas.js'
import { encodeOpenApiV2 } from './v2-protobuf.js'

function baseSchemas(ctx: Ctx): void {
  for (const t of ['Status', 'DeleteOptions']) ctx.add(`${META}${t}`, { group: '', version: 'v1', kind: t })
}

const PATCH_SCHEMA = {
  type: 'object',
  description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
}

/** The OpenAPI v3 document for one group-version (`api/v1`, `apis/apps/v1`, …). */
export function openApiV3Document(
  model: SchemaModel,
  registry: Registry,
  group: string,
  version: string,
): Obj {
  const set = createSchemaSet(
    model,
    'v3',
    registry.all.filter((d) => d.custom),
  )
  const ctx: Ctx = { dialect: 'v3', add: (n, g) => set.add(n, g) }
  baseSchemas(ctx)
  const paths: Record<string, Obj> = {}
  for (const def of registry.all.filter((d) => d.group === group && d.version === version))
    Object.assign(paths, pathsFor(ctx, def))
  set.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] = PATCH_SCHEMA
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(set.schemas).sort(([a], [b]) => (a < b ? -1 : 1))),
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
  }
}

export function openApiV2Document(model: SchemaModel, registry: Registry, gitVersion: string): Obj {
  const set = createSchemaSet(
    model,
    'v2',
    registry.all.filter((d) => d.custom),
  )
  const ctx: Ctx = { dialect: 'v2', add: (n, g) => set.add(n, g) }
  baseSchemas(ctx)
  const paths: Record<string, Obj> = {}
  for (const def of registry.all) Object.assign(paths, pathsFor(ctx, def))
  toV2Params(paths)
  set.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] = PATCH_SCHEMA
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: gitVersion },
    paths,
    definitions: Object.fromEntries(Object.entries(set.schemas).sort(([a], [b]) => (a < b ? -1 : 1))),
    securityDefinitions: {
      BearerToken: {
        description: 'Bearer Token authentication',
        type: 'apiKey',
        name: 'authorization',
        in: 'header',
      },
    },
    security: [{ BearerToken: [] }],
  }
}

export interface OpenApiCache {
  /** The /openapi/v3 index. */
  index(): Obj
  /** A group-version document and its hash, or undefined when not served. */
  v3(path: string): { json: string; hash: string } | undefined
  v2(): string
  /** /openapi/v2 as gnostic protobuf (kubectl ≤ 1.28). */
  v2Protobuf(): Uint8Array
}

/** Builds documents on first use and keeps them (they depend only on the served kinds). */
export function createOpenApiCache(model: SchemaModel, registry: Registry, gitVersion: string): OpenApiCache {
  const docs = new Map<string, { json: string; hash: string }>()
  const gvPaths = registry
    .groups()
    .flatMap((g) => registry.versions(g).map((v) => (g ? `apis/${g}/${v}` : `api/${v}`)))
  let v2: string | undefined
  let v2pb: Uint8Array | undefined
  const build = (path: string) => {
    let d = docs.get(path)
    if (!d) {
      const parts = path.split('/')
      const [group, version] = path.startsWith('apis/') ? [parts[1]!, parts[2]!] : ['', parts[1]!]
      const json = JSON.stringify(openApiV3Document(model, registry, group, version))
      d = { json, hash: createHash('sha512').update(json).digest('hex').toUpperCase() }
      docs.set(path, d)
    }
    return d
  }
  return {
    index: () => ({
      paths: Object.fromEntries(
        gvPaths.map((p) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${build(p).hash}` }]),
      ),
    }),
    v3: (path) => (gvPaths.includes(path) ? build(path) : undefined),
    v2: () => (v2 ??= JSON.stringify(openApiV2Document(model, registry, gitVersion))),
    v2Protobuf: () => (v2pb ??= encodeOpenApiV2(model.root, openApiV2Document(model, registry, gitVersion))),
  }
}
