/**
 * What the object store and its disk persistence share: the key of a resource's table and the
 * persistence contract the store writes through (persistence.ts implements it on files).
 */
import type { KubeObject } from '../types.js'

export interface ResourceKey {
  group: string
  resource: string
  namespaced: boolean
}

export interface Persistence {
  save(r: ResourceKey, obj: KubeObject, revision: number): void
  remove(r: ResourceKey, namespace: string, name: string, revision: number): void
  /** Everything on disk; `seeded` tells whether the initial objects were written before. */
  load(): {
    objects: { group: string; resource: string; object: KubeObject }[]
    revision: number
    seeded: boolean
    problems: string[]
  }
  markSeeded(): void
}
