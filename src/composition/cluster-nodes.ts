/**
 * The agent pools' nodes as `Node` objects in the API server: after every control-plane operation (and
 * at start-up) the API server's nodes are made to match what ARM's control plane says the scale sets run
 * — new instances appear, removed ones go, a stopped cluster has none, an upgraded pool's nodes come back
 * with the new kubelet version. Only nodes labelled with this cluster's node resource group are touched.
 * The objects carry what an AKS node shows (labels, providerID, Ready, nodeInfo, capacity).
 */
import { NODE_IMAGE_VERSION, nodeResourceGroupOf, type ControlPlane, type DesiredNode } from '../arm/index.js'
import type { ApiServer, KubeObject } from '../apiserver/index.js'
import type { ResolvedCluster } from '../azure-rbac/index.js'
import type { Clock } from '../kernel/clock.js'
import { stableGuid } from '../kernel/ids.js'

const CLUSTER_LABEL = 'kubernetes.azure.com/cluster'

export function nodeObject(n: DesiredNode, c: ResolvedCluster, now: string, index: number): KubeObject {
  const nodeResourceGroup = nodeResourceGroupOf(c)
  const ip = `10.224.0.${4 + index}`
  const id = (kind: string) =>
    stableGuid('aks-auth-sim/node', `${kind}:${c.resourceId.toLowerCase()}/${n.name}`)
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  })
  const allocatable = { cpu: '1900m', 'ephemeral-storage': '119703055367', memory: '4653300Ki', pods: '250' }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        agentpool: n.pool,
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': n.vmSize,
        'beta.kubernetes.io/os': 'linux',
        'failure-domain.beta.kubernetes.io/region': c.location,
        'failure-domain.beta.kubernetes.io/zone': '0',
        'kubernetes.azure.com/agentpool': n.pool,
        [CLUSTER_LABEL]: nodeResourceGroup,
        'kubernetes.azure.com/mode': n.mode.toLowerCase(),
        'kubernetes.azure.com/node-image-version': NODE_IMAGE_VERSION,
        'kubernetes.azure.com/nodepool-type': 'VirtualMachineScaleSets',
        'kubernetes.azure.com/os-sku': 'Ubuntu',
        'kubernetes.azure.com/role': 'agent',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/role': 'agent',
        'node-role.kubernetes.io/agent': '',
        'node.kubernetes.io/instance-type': n.vmSize,
        'topology.kubernetes.io/region': c.location,
        'topology.kubernetes.io/zone': '0',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      providerID: `azure:///subscriptions/${c.subscriptionId}/resourceGroups/${nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${n.scaleSet}/virtualMachines/${n.instance}`,
    },
    status: {
      capacity: { cpu: '2', 'ephemeral-storage': '129886128Ki', memory: '7097684Ki', pods: '250' },
      allocatable,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id('machine').replace(/-/g, ''),
        systemUUID: id('system'),
        bootID: id('boot'),
        kernelVersion: '5.15.0-1089-azure',
        osImage: 'Ubuntu 22.04.5 LTS',
        containerRuntimeVersion: 'containerd://1.7.27-1',
        kubeletVersion: n.kubeletVersion,
        kubeProxyVersion: n.kubeletVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  }
}

/** Keeps the served cluster's `Node` objects in step with its scale sets; returns the unsubscribe. */
export function syncClusterNodes(o: {
  server: ApiServer
  controlPlane: ControlPlane
  cluster: ResolvedCluster
  clock: Clock
  onUnexpected: (err: unknown) => void
}): () => void {
  const def = o.server.registry.byResource('', 'nodes')
  const sync = (c: ResolvedCluster) => {
    if (!def || c.resourceId.toLowerCase() !== o.cluster.resourceId.toLowerCase()) return
    const group = nodeResourceGroupOf(c)
    const desired = o.controlPlane.nodes(c)
    const ours = o.server.store.list(def).filter((n) => n.metadata.labels?.[CLUSTER_LABEL] === group)
    const now = new Date(o.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z')
    try {
      for (const n of ours) {
        const want = desired.find((d) => d.name === n.metadata.name)
        const info = (n.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo
        // Gone from the scale set, or re-imaged with another kubelet (an upgrade): remove.
        if (!want || info?.kubeletVersion !== want.kubeletVersion)
          o.server.writer.remove('', 'nodes', '', n.metadata.name ?? '')
      }
      const left = new Set(o.server.store.list(def).map((n) => n.metadata.name))
      desired.forEach((d, i) => {
        if (!left.has(d.name)) o.server.writer.create('', 'nodes', '', nodeObject(d, c, now, i))
      })
    } catch (err) {
      o.onUnexpected(err)
    }
  }
  const unsubscribe = o.controlPlane.onApplied(sync)
  sync(o.cluster)
  return unsubscribe
}
