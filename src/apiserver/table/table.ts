/**
 * meta.k8s.io/v1 Table responses (what `kubectl get` asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): column definitions, one row per object,
 * and the row object as PartialObjectMetadata (includeObject=Metadata, the default).
 */
import type { ResourceDef } from '../registry.js'
import type { KubeObject } from '../types.js'
import { customPrinter } from '../crd/printer.js'
import { CREATED_AT_PRINTER, DEFAULT_PRINTER, PRINTERS } from './columns.js'

export type IncludeObject = 'None' | 'Metadata' | 'Object'

export interface TableOptions {
  includeObject: IncludeObject
  /** meta.k8s.io/v1 or v1beta1, as negotiated. */
  apiVersion: string
  now: number
  /** Watch events after the first carry no column definitions (kubectl reuses the last ones). */
  withColumns: boolean
}

export function parseIncludeObject(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata'
}

function rowObject(def: ResourceDef, o: KubeObject, include: IncludeObject, apiVersion: string): unknown {
  if (include === 'None') return undefined
  if (include === 'Object')
    return { kind: def.kind, apiVersion: def.group ? `${def.group}/${def.version}` : def.version, ...o }
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: o.metadata }
}

export function toTable(
  def: ResourceDef,
  objects: readonly KubeObject[],
  listMeta: Record<string, unknown>,
  opts: TableOptions,
): Record<string, unknown> {
  const printer =
    def.group === 'apiextensions.k8s.io'
      ? CREATED_AT_PRINTER
      : def.custom
        ? customPrinter(def.custom.columns)
        : (PRINTERS[def.kind] ?? DEFAULT_PRINTER)
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata: listMeta,
    ...(opts.withColumns && { columnDefinitions: printer.columns }),
    rows: objects.map((o) => {
      const object = rowObject(def, o, opts.includeObject, opts.apiVersion)
      return { cells: printer.cells(o, opts.now), ...(object !== undefined && { object }) }
    }),
  }
}
