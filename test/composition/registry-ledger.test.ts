/**
 * The record of registries created and deleted over ARM: replayed into the resolved Azure state at
 * start, and each registry's port slot (`portBase + 20 + slot`) kept, so a created registry's login
 * server is the same after a restart with a fixed --port-base and never takes a scenario registry's.
 */
import { describe, expect, it } from 'vitest'
import type { ResolvedAzure, ResolvedRegistry } from '../../src/azure-rbac/index.js'
import { registryLedger, type RegistryChanges } from '../../src/composition/registry-ledger.js'
import { memoryStateFile } from '../../src/kernel/state-file.js'

const reg = (name: string): ResolvedRegistry => ({
  name,
  resourceGroup: 'rg',
  subscriptionId: 's',
  resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${name}`,
  roleAssignmentMode: 'LegacyRegistryPermissions',
  azureADAuthenticationAsArmPolicy: 'enabled',
})
const azureWith = (...names: string[]) => ({ registries: names.map(reg) }) as unknown as ResolvedAzure

describe('registryLedger', () => {
  it('gives created registries free slots after the scenario’s and replays them in a new run', () => {
    const file = memoryStateFile<RegistryChanges>()
    const first = azureWith('scenarioa', 'scenariob')
    const ledger = registryLedger(first, file)
    expect([ledger.slotOf('scenarioa'), ledger.slotOf('ScenarioB')]).toEqual([0, 1])
    const slot = ledger.freeSlot()
    expect(slot).toBe(2)
    ledger.recordCreated({ spec: reg('newone'), slot })
    expect(ledger.freeSlot()).toBe(3)
    ledger.recordDeleted('scenarioa')
    // Slot 0 stays the deleted scenario registry's: its port is not reused by a new registry.
    expect(ledger.freeSlot()).toBe(3)

    const second = azureWith('scenarioa', 'scenariob')
    const again = registryLedger(second, file)
    expect(second.registries.map((r) => r.name)).toEqual(['scenariob', 'newone'])
    expect([again.slotOf('scenariob'), again.slotOf('newone')]).toEqual([1, 2])
  })

  it('brings a deleted scenario registry back only as the created one, not seeded from the scenario', () => {
    const file = memoryStateFile<RegistryChanges>()
    const ledger = registryLedger(azureWith('scenarioa'), file)
    ledger.recordDeleted('scenarioa')
    ledger.recordCreated({ spec: { ...reg('scenarioa'), sku: 'Premium' }, slot: ledger.freeSlot() })
    const next = azureWith('scenarioa')
    const again = registryLedger(next, file)
    expect(next.registries).toHaveLength(1)
    expect(next.registries[0]!.sku).toBe('Premium')
    expect(again.slotOf('scenarioa')).toBe(1)
    // Deleting the created one leaves the name deleted for good.
    again.recordDeleted('scenarioa')
    const third = azureWith('scenarioa')
    registryLedger(third, file)
    expect(third.registries).toEqual([])
  })
})
