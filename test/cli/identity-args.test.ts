// The pieces of `identity federated-credential` that need no simulator: az's space-separated
// `--audiences A B`, and az's view of the resource.
import { describe, expect, it } from 'vitest'
import { expandListOption } from '../../src/cli/commands/identity.js'
import { azView, credentialsPath } from '../../src/client/federated-credentials.js'

describe('expandListOption', () => {
  const x = (args: string[]) => expandListOption(args, '--audiences')

  it('repeats the flag before every value that follows it, as parseArgs wants', () => {
    expect(x(['create', '--audiences', 'a', 'b', '--issuer', 'i'])).toEqual([
      'create',
      '--audiences',
      'a',
      '--audiences',
      'b',
      '--issuer',
      'i',
    ])
    expect(x(['--audiences', 'a', '--audiences', 'b'])).toEqual(['--audiences', 'a', '--audiences', 'b'])
    expect(x(['--audiences=a', 'b'])).toEqual(['--audiences=a', 'b'])
  })

  it('leaves a flag without values for parseArgs to report, and stops at --', () => {
    expect(x(['--audiences'])).toEqual(['--audiences'])
    expect(x(['--audiences', '--yes'])).toEqual(['--audiences', '--yes'])
    expect(x(['--audiences', 'a', '--', 'b'])).toEqual(['--audiences', 'a', '--', 'b'])
  })
})

describe('azView', () => {
  const resource = {
    id: '/subscriptions/s/resourcegroups/My-RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i/federatedIdentityCredentials/f',
    name: 'f',
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    properties: { issuer: 'https://x/', subject: 's', audiences: ['a'] },
  }

  it('flattens properties, adds the resource group from the id, prints a missing systemData as null, sorts keys', () => {
    const v = azView(resource)
    expect(Object.keys(v)).toEqual([
      'audiences',
      'id',
      'issuer',
      'name',
      'resourceGroup',
      'subject',
      'systemData',
      'type',
    ])
    expect(v).toMatchObject({ resourceGroup: 'My-RG', issuer: 'https://x/', systemData: null })
  })

  it('keeps systemData when ARM sends it', () => {
    expect(azView({ ...resource, systemData: { createdBy: 'alice' } }).systemData).toEqual({
      createdBy: 'alice',
    })
  })
})

describe('credentialsPath', () => {
  it('encodes each segment, so a name cannot walk out of the collection', () => {
    expect(credentialsPath({ subscription: 's', resourceGroup: 'rg', identity: 'i' }, '../x?y')).toBe(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i/federatedIdentityCredentials/..%2Fx%3Fy',
    )
  })
})

describe('credentialsPath refuses segments that URL normalization would resolve elsewhere', () => {
  it.each(['', '.', '..'])('%j', (bad) => {
    const ref = { subscription: 's', resourceGroup: 'rg', identity: 'i' }
    expect(() => credentialsPath(ref, bad)).toThrow(`--name '${bad}' is not a valid resource name`)
    expect(() => credentialsPath({ ...ref, identity: bad })).toThrow(/--identity-name/)
    expect(() => credentialsPath({ ...ref, resourceGroup: bad })).toThrow(/--resource-group/)
  })
})
