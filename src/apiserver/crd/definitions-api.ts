/**
 * The CRDs themselves, as `apiextensions.k8s.io/v1` CustomResourceDefinition objects (`kubectl get crd`):
 * read-only here — the installed set is fixed when the server starts — with the status a healthy
 * cluster shows (NamesAccepted and Established; for a `*.k8s.io` group marked unapproved, as
 * aad-pod-identity's is, KubernetesAPIApprovalPolicyConformant False).
 */
import type { ServerContext } from '../context.js'
import type { ResourceDef } from '../registry.js'
import { create } from '../rest/write.js'
import type { KubeObject } from '../types.js'
import type { CustomResourceDefinition, JsonSchema } from './definition.js'
import { customResourceDef } from './resource-def.js'

const PRESERVE: JsonSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }

export const CRD_DEF: ResourceDef = {
  ...customResourceDef({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    listKind: 'CustomResourceDefinitionList',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    scope: 'Cluster',
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    schema: { type: 'object', properties: { spec: PRESERVE, status: PRESERVE } },
  }),
  // Read-only: the installed set is fixed at start-up.
  verbs: ['get', 'list', 'watch'],
  proto: 'k8s.io.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
}

function crdObject(crd: CustomResourceDefinition, now: string): KubeObject {
  const names = {
    kind: crd.kind,
    listKind: crd.listKind,
    plural: crd.plural,
    singular: crd.singular,
    ...(crd.shortNames?.length && { shortNames: crd.shortNames }),
    ...(crd.categories?.length && { categories: crd.categories }),
  }
  const protectedGroup = /(^|\.)k8s\.io$|(^|\.)kubernetes\.io$/.test(crd.group)
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastTransitionTime: now,
    reason,
    message,
  })
  return {
    metadata: {
      name: `${crd.plural}.${crd.group}`,
      ...(protectedGroup && { annotations: { 'api-approved.kubernetes.io': 'unapproved' } }),
    },
    spec: {
      group: crd.group,
      names,
      scope: crd.scope,
      versions: [
        {
          name: crd.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: crd.schema },
          ...(crd.printerColumns?.length && { additionalPrinterColumns: crd.printerColumns }),
        },
      ],
      conversion: { strategy: 'None' },
    },
    status: {
      conditions: [
        ...(protectedGroup
          ? [
              condition(
                'KubernetesAPIApprovalPolicyConformant',
                'False',
                'InvalidAnnotation',
                'not approved: "unapproved"',
              ),
            ]
          : []),
        condition('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
        condition('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'),
      ],
      acceptedNames: names,
      storedVersions: [crd.version],
    },
  }
}

/** Stores the CustomResourceDefinition object of each installed CRD that the store does not have yet. */
export function installCrdObjects(ctx: ServerContext, crds: readonly CustomResourceDefinition[]): void {
  const def = ctx.registry.byResource(CRD_DEF.group, CRD_DEF.resource)
  if (!def) return
  const now = ctx.now()
  for (const crd of crds)
    if (!ctx.store.get(def, '', `${crd.plural}.${crd.group}`)) create(ctx, def, '', crdObject(crd, now))
}
