/**
 * AKS's refusals of control-plane operations, named after their wire codes. Texts are AKS's where public
 * output shows them (cited); docs/arm.md marks the simulator's own wording.
 */
import { ArmError } from './errors.js'

const aksError = (code: string, status: number) =>
  class extends ArmError {
    readonly code = code
    readonly status = status
  }

export class OperationNotAllowed extends aksError('OperationNotAllowed', 409) {
  /** A second write while one runs (Azure/azure-workload-identity#417, cilium/cilium#25944). */
  static inProgress(kind: string, agentPool?: string): OperationNotAllowed {
    const what = agentPool ? `agentpool operation (${agentPool} - ${kind})` : `operation (${kind})`
    return new OperationNotAllowed(
      `Operation is not allowed: Another ${what} is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details`,
    )
  }

  /** Stop of a stopped cluster (MicrosoftDocs/azure-docs#85161), and the same for start and writes. */
  static powerState(provisioningState: string, power: string, verb: string): OperationNotAllowed {
    return new OperationNotAllowed(
      `managed cluster is in Provisioning State(${provisioningState}) and Power State(${power}), ${verb} cannot be performed`,
    )
  }
}

/** A Kubernetes upgrade that skips a minor version or goes back (rancher/dashboard#11884); HTTP 400. */
export class UpgradeNotAllowed extends aksError('OperationNotAllowed', 400) {
  constructor(from: string, to: string, available: string[]) {
    super(
      `Upgrading Kubernetes version ${from} to ${to} is not allowed. Available upgrades: [${available.join(' ')}]. Please see https://aka.ms/aks-supported-k8s-ver for version details.`,
    )
  }
}

/** The same for one node pool (nebari-dev/nebari#524). */
export class AgentPoolUpgradeVersionNotAllowed extends aksError('AgentPoolUpgradeVersionNotAllowed', 400) {
  constructor(from: string, to: string) {
    super(
      `Upgrade agent pool version from ${from} to ${to} is not allowed, you can only upgrade one minor version at a time. Please use [az aks get-upgrades] command to get the supported upgrade paths. For more information, please check https://aka.ms/version-skew-policy`,
    )
  }
}

/** A version AKS does not offer (simulator wording). */
export class VersionNotSupported extends aksError('K8sVersionNotSupported', 400) {
  constructor(version: string, location: string) {
    super(
      `Version ${version} is not supported in this region (${location}). Please use [az aks get-versions] command to get the supported version list in this region.`,
    )
  }
}

/** ARM's refusal to change an immutable property (dnsPrefix, enableRBAC, …). */
export class PropertyChangeNotAllowed extends aksError('PropertyChangeNotAllowed', 400) {
  constructor(property: string) {
    super(`Changing property '${property}' is not allowed.`)
  }
}

/** A request property of the wrong type or range (simulator wording, AKS's code). */
export class InvalidParameter extends aksError('InvalidParameter', 400) {
  constructor(parameter: string, detail?: string) {
    super(`The value of parameter ${parameter} is invalid.${detail ? ` ${detail}` : ''}`)
  }
}

/** ARM's answer to a PUT that moves an existing resource to another region. */
export class InvalidResourceLocation extends aksError('InvalidResourceLocation', 400) {
  constructor(name: string, existing: string, resourceGroup: string, requested: string) {
    super(
      `The resource '${name}' already exists in location '${existing}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${requested}'. Please select a new resource name.`,
    )
  }
}

/** An operation id the simulator never issued (simulator wording). */
export class OperationNotFound extends aksError('NotFound', 404) {
  constructor(id: string) {
    super(`The operation '${id}' could not be found.`)
  }
}
