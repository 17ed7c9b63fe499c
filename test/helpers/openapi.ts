import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'

/**
 * Validates a response against a schema of an official Kubernetes OpenAPI v3 document. Objects that
 * declare properties are closed (additionalProperties: false), so a misspelt or invented field fails too;
 * metav1.Time admits the null Go writes for a zero time.
 */
export function openapiValidator(document: string, schema: string): ValidateFunction {
  const doc = JSON.parse(
    readFileSync(new URL(`../fixtures/k8s-openapi/${document}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>
  const close = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(close)
    if (typeof node !== 'object' || node === null) return
    const o = node as Record<string, unknown>
    if (o.properties && o.type === 'object' && o.additionalProperties === undefined)
      o.additionalProperties = false
    Object.values(o).forEach(close)
  }
  close(doc.components)
  // Go marshals a zero metav1.Time as null (`"creationTimestamp": null`), as kube-apiserver and guard
  // send it; the OpenAPI text only says string. Admit exactly that null, nothing else.
  const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas
  const time = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time']
  if (time) time.type = ['string', 'null']
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
  ajv.addSchema(doc, 'doc')
  const fn = ajv.getSchema(`doc#/components/schemas/${schema}`)
  if (!fn) throw new Error(`no schema ${schema} in ${document}`)
  return fn
}
