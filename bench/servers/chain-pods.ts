import type { KubernetesManifest } from '../../src/rbac/scenario.js'

/** 50 running pods in `dev`, added to the demo scenario's objects by both benchmark servers. */
export const benchPods: KubernetesManifest[] = Array.from({ length: 50 }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `bench-${String(i).padStart(2, '0')}`, namespace: 'dev', labels: { app: 'bench' } },
  spec: {
    containers: [
      { name: 'app', image: 'mcr.microsoft.com/azuredocs/aks-helloworld:v1', ports: [{ containerPort: 80 }] },
    ],
  },
}))
