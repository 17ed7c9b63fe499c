/**
 * Custom resources: what the API server needs of a CustomResourceDefinition (apiextensions.k8s.io/v1)
 * to serve its one version — names, scope, the structural OpenAPI v3 schema and the additional printer
 * columns; resource-def.ts turns one into the ResourceDef it is served as. The definitions themselves
 * belong to the slice that installs them (the pod-identity slice installs aad-pod-identity's four
 * CRDs), as on a real cluster.
 */

/** The subset of JSONSchemaProps a structural CRD schema uses. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean'
  format?: string
  description?: string
  properties?: Record<string, JsonSchema>
  additionalProperties?: JsonSchema | boolean
  items?: JsonSchema
  nullable?: boolean
  required?: string[]
  'x-kubernetes-embedded-resource'?: boolean
  'x-kubernetes-preserve-unknown-fields'?: boolean
}

export interface PrinterColumn {
  name: string
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date'
  jsonPath: string
  description?: string
  format?: string
  priority?: number
}

export interface CustomResourceDefinition {
  group: string
  version: string
  kind: string
  listKind: string
  plural: string
  singular: string
  scope: 'Namespaced' | 'Cluster'
  shortNames?: string[]
  categories?: string[]
  schema: JsonSchema
  /** `additionalPrinterColumns`; when empty, the CRD defaulting adds the Age column. */
  printerColumns?: PrinterColumn[]
}

/** What the served ResourceDef keeps of its CRD. */
export interface CustomResourceInfo {
  schema: JsonSchema
  columns: PrinterColumn[]
  listKind: string
}
