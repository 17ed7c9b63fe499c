/**
 * Which registries exist beyond the scenario's: the ones created over ARM (`PUT …/registries/{name}`)
 * and the scenario's ones deleted over ARM, kept in `<stateDir>/arm-registries.json` and replayed into
 * the resolved Azure state at start — before the role-assignment store replays its changes, so an
 * assignment at a created registry's scope is still valid after a restart.
 *
 * Each registry has a port slot (`portBase + 20 + slot`): the scenario's registries keep their index
 * in the scenario (a deleted one leaves its slot empty), a created one gets the first free slot after
 * them and keeps it, so its login server is stable across restarts with a fixed --port-base.
 */
import type { ResolvedAzure, ResolvedRegistry } from '../azure-rbac/index.js'
import type { StateFile } from '../kernel/state-file.js'

export interface CreatedRegistry {
  spec: ResolvedRegistry
  slot: number
}

export interface RegistryChanges {
  created: CreatedRegistry[]
  /** Lower-case names of scenario registries deleted over ARM. */
  deleted: string[]
}

export interface RegistryLedger {
  /** The port slot of a registry that exists now. */
  slotOf(name: string): number
  /** A slot no registry (scenario or created) holds. */
  freeSlot(): number
  recordCreated(created: CreatedRegistry): void
  recordDeleted(name: string): void
}

const lower = (s: string) => s.toLowerCase()

/** Applies the saved changes to `azure.registries` (in place: ARM and checkScope read that array). */
export function registryLedger(azure: ResolvedAzure, file: StateFile<RegistryChanges>): RegistryLedger {
  const scenarioSlots = new Map(azure.registries.map((r, i) => [lower(r.name), i]))
  const saved = file.load() ?? { created: [], deleted: [] }
  const changes: RegistryChanges = { created: [...saved.created], deleted: [...saved.deleted] }
  for (const name of changes.deleted) {
    const i = azure.registries.findIndex((r) => lower(r.name) === name)
    if (i >= 0) azure.registries.splice(i, 1)
  }
  for (const c of changes.created)
    if (!azure.registries.some((r) => lower(r.name) === lower(c.spec.name))) azure.registries.push(c.spec)
  const save = () => file.save(changes)
  return {
    slotOf(name) {
      const created = changes.created.find((c) => lower(c.spec.name) === lower(name))
      return created ? created.slot : (scenarioSlots.get(lower(name)) ?? -1)
    },
    freeSlot() {
      const taken = new Set([...scenarioSlots.values(), ...changes.created.map((c) => c.slot)])
      let slot = 0
      while (taken.has(slot)) slot++
      return slot
    },
    recordCreated(created) {
      // A scenario registry deleted and created again stays in `deleted`: it comes back empty, not seeded.
      changes.created.push(created)
      save()
    },
    recordDeleted(name) {
      changes.created = changes.created.filter((c) => lower(c.spec.name) !== lower(name))
      if (scenarioSlots.has(lower(name))) changes.deleted = [...new Set([...changes.deleted, lower(name)])]
      save()
    },
  }
}
