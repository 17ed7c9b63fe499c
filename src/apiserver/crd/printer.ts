/**
 * Server-side printing of custom resources (apiextensions-apiserver's tableconvertor): the Name
 * column, then the CRD's additionalPrinterColumns evaluated by their simple JSONPath. A `string`
 * column prints any value as JSONPath's template would (`0` for an integer); other types keep the
 * value when it has that type; `date` columns print an age; a missing value is an empty cell (null),
 * which kubectl shows as `<none>`.
 */
import { since } from '../table/age.js'
import { col, NAME, type Cell, type TablePrinter } from '../table/format.js'
import type { KubeObject } from '../types.js'
import type { PrinterColumn } from './definition.js'

function lookup(o: KubeObject, jsonPath: string): unknown {
  const path = jsonPath.replace(/^\{?\.?|\}?$/g, '')
  if (path === '') return o
  return path
    .split('.')
    .reduce<unknown>(
      (v, k) =>
        v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined,
      o,
    )
}

/** Go's %v for the JSON values a column can hold. */
function goPrint(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`
  if (v && typeof v === 'object')
    return `map[${Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${k}:${goPrint(x)}`)
      .join(' ')}]`
  return ''
}

function cell(c: PrinterColumn, v: unknown, now: number): Cell | null {
  if (v === undefined || v === null) return null
  switch (c.type) {
    case 'string':
      return goPrint(v)
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null
    case 'number':
      return typeof v === 'number' ? v : null
    case 'boolean':
      return typeof v === 'boolean' ? v : null
    case 'date':
      if (typeof v !== 'string') return null
      return Number.isNaN(Date.parse(v)) ? '<invalid>' : since(v, now)
  }
}

export function customPrinter(columns: readonly PrinterColumn[]): TablePrinter {
  return {
    columns: [
      NAME,
      ...columns.map((c) =>
        col(
          c.name,
          c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
          {
            type: c.type,
            format: c.format ?? '',
            priority: c.priority ?? 0,
          },
        ),
      ),
    ],
    cells: (o, now) => [o.metadata.name ?? '', ...columns.map((c) => cell(c, lookup(o, c.jsonPath), now))],
  }
}
