/**
 * The ResourceDef a CustomResourceDefinition becomes: served like any built-in resource, with the
 * verbs, name rule and generation tracking of kube-apiserver's custom resource handler, and its
 * structural schema and printer columns in place of a protobuf message.
 */
import type { ResourceDef } from '../registry.js'
import type { CustomResourceDefinition, PrinterColumn } from './definition.js'

const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }

/** `aadpodidentity.k8s.io` → `io.k8s.aadpodidentity`: how kube-apiserver names CRD schemas in OpenAPI. */
const reverseGroup = (group: string) => group.split('.').reverse().join('.')

export function customResourceDef(crd: CustomResourceDefinition): ResourceDef {
  return {
    group: crd.group,
    version: crd.version,
    resource: crd.plural,
    kind: crd.kind,
    singular: crd.singular,
    namespaced: crd.scope === 'Namespaced',
    shortNames: crd.shortNames ?? [],
    categories: crd.categories ?? [],
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    subresources: [],
    proto: `${reverseGroup(crd.group)}.${crd.version}.${crd.kind}`,
    stored: true,
    nameRule: 'subdomain',
    returnDeletedObject: false,
    allowCreateOnUpdate: false,
    tracksGeneration: true,
    fieldLabels: {},
    custom: {
      schema: crd.schema,
      columns: crd.printerColumns?.length ? crd.printerColumns : [AGE_COLUMN],
      listKind: crd.listKind,
    },
  }
}
