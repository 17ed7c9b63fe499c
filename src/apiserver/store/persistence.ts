/**
 * Keeps the object store on disk so a restart keeps every acknowledged write: one JSON file per
 * object (`<dir>/<group|core>/<resource>/<namespace|_cluster>/<name>.json`) plus the revision
 * counter, each written to a temporary file and renamed over the old one before the API answers.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KubeObject } from '../types.js'
import type { Persistence, ResourceKey } from './types.js'

const CLUSTER = '_cluster'
const enc = (s: string) => encodeURIComponent(s).replace(/\./g, '%2E')

// Secrets (and service-account tokens in them) are among the objects: only the simulator's user reads any.
const DIR_MODE = 0o700
const FILE_MODE = 0o600

export function createFilePersistence(dir: string): Persistence {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE })
  let tmpCounter = 0
  const writeAtomic = (path: string, content: string) => {
    const tmp = `${path}.tmp-${process.pid}-${tmpCounter++}`
    writeFileSync(tmp, content, { mode: FILE_MODE })
    renameSync(tmp, path)
  }
  const fileOf = (r: ResourceKey, ns: string, name: string) => {
    const folder = join(dir, r.group || 'core', r.resource, r.namespaced ? enc(ns) : CLUSTER)
    return { folder, file: join(folder, `${enc(name)}.json`) }
  }
  const saveRevision = (revision: number) => writeAtomic(join(dir, 'revision'), `${revision}\n`)

  return {
    save(r, obj, revision) {
      const { folder, file } = fileOf(r, obj.metadata.namespace ?? '', obj.metadata.name ?? '')
      mkdirSync(folder, { recursive: true, mode: DIR_MODE })
      writeAtomic(file, JSON.stringify(obj))
      saveRevision(revision)
    },
    remove(r, namespace, name, revision) {
      rmSync(fileOf(r, namespace, name).file, { force: true })
      saveRevision(revision)
    },
    load() {
      const objects: { group: string; resource: string; object: KubeObject }[] = []
      const problems: string[] = []
      let revision = 1
      const revFile = join(dir, 'revision')
      if (existsSync(revFile)) revision = Number.parseInt(readFileSync(revFile, 'utf8'), 10) || 1
      for (const groupDir of readdirSync(dir, { withFileTypes: true })) {
        if (!groupDir.isDirectory()) continue
        const group = groupDir.name === 'core' ? '' : groupDir.name
        for (const resDir of readdirSync(join(dir, groupDir.name), { withFileTypes: true })) {
          if (!resDir.isDirectory()) continue
          for (const nsDir of readdirSync(join(dir, groupDir.name, resDir.name), { withFileTypes: true })) {
            if (!nsDir.isDirectory()) continue
            const folder = join(dir, groupDir.name, resDir.name, nsDir.name)
            for (const f of readdirSync(folder)) {
              if (!f.endsWith('.json')) continue // leftovers of an interrupted write
              try {
                const object = JSON.parse(readFileSync(join(folder, f), 'utf8')) as KubeObject
                objects.push({ group, resource: resDir.name, object })
                revision = Math.max(revision, Number(object.metadata.resourceVersion) || 0)
              } catch (err) {
                problems.push(`${join(folder, f)}: ${(err as Error).message}`)
              }
            }
          }
        }
      }
      return { objects, revision, seeded: existsSync(join(dir, 'seeded')), problems }
    },
    markSeeded() {
      writeAtomic(join(dir, 'seeded'), `${new Date().toISOString()}\n`)
    },
  }
}
