/**
 * Reading Kubernetes manifests as kubectl does with `-f`: files or directories (`.yaml`, `.yml`,
 * `.json`; `-R` for sub-directories), multi-document YAML, and `List` / `*List` objects flattened.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import { parseAllDocuments } from 'yaml'

export interface ManifestObject {
  object: Record<string, unknown>
  /** `file`, `file#2` (third document) or `file#2.items[4]`. */
  origin: string
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ManifestError'
  }
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json'])
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** `kind: List` and typed lists (`RoleList`, …) are flattened one level, as kubectl does. */
function flatten(value: unknown, origin: string, out: ManifestObject[]): void {
  if (value === null || value === undefined) return
  if (!isRecord(value)) throw new ManifestError(`${origin}: not a Kubernetes object`)
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      if (!isRecord(item)) throw new ManifestError(`${origin}.items[${i}]: not a Kubernetes object`)
      out.push({ object: item, origin: `${origin}.items[${i}]` })
    })
    return
  }
  out.push({ object: value, origin })
}

/** Objects in one YAML/JSON text. */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = []
  const docs = parseAllDocuments(text, { prettyErrors: true })
  // parseAllDocuments returns an EmptyStream (not an array) for a text with no documents.
  if (!Array.isArray(docs)) return out
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new ManifestError(`${source}: ${doc.errors[0]!.message}`)
    flatten(doc.toJS({ maxAliasCount: 100 }), docs.length > 1 ? `${source}#${i}` : source, out)
  })
  return out
}

function filesOf(path: string, recursive: boolean, top: boolean): string[] {
  let stat
  try {
    stat = statSync(path)
  } catch {
    throw new ManifestError(`the path "${path}" does not exist`)
  }
  if (!stat.isDirectory()) return top || EXTENSIONS.has(extname(path)) ? [path] : []
  if (!top && !recursive) return []
  return readdirSync(path)
    .sort()
    .flatMap((entry) => filesOf(join(path, entry), recursive, false))
}

/** Objects from files and directories, in path order. */
export function readManifests(
  paths: readonly string[],
  options: { recursive?: boolean } = {},
): ManifestObject[] {
  return paths.flatMap((p) =>
    filesOf(p, options.recursive ?? false, true).flatMap((file) => {
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch (err) {
        throw new ManifestError(`${file}: ${(err as Error).message}`)
      }
      return parseManifests(text, file)
    }),
  )
}
