/**
 * Microsoft.ContainerRegistry/registries on the mock ARM (src/arm/registries.ts): shapes, Azure RBAC
 * refusals with ACR's action names, and writes the registry's token server obeys at once.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { DEMO_WEBHOOK_SECRET } from '../../src/scenario/index.js'
import { armAppToken } from '../client/helpers.js'
import { startTestSimulator } from '../helpers/sim.js'
import { RG, SUB, arm, authorizationFailed, expectArmError } from './helpers.js'
import { ACR_API, ROLE, basicToken, grantAtGroup, registryPath } from './registries.helpers.js'

let sim: Simulator
let token: string
let app: { appId: string; oid: string }
const REG = registryPath('contosoacr')
beforeAll(async () => {
  sim = await startTestSimulator()
  const a = sim.endpoints.directory.applications.find((x) => x.name === 'aks-webhook')!
  app = { appId: a.appId, oid: a.servicePrincipalId }
  token = await armAppToken(sim, app.appId, DEMO_WEBHOOK_SECRET)
})
afterAll(() => sim.stop())

const call = (method: string, path: string, body?: unknown) =>
  arm(sim, method, path.includes('?') ? path : `${path}?${ACR_API}`, {
    token,
    ...(body !== undefined && { body }),
  })

async function withRole<T>(role: string, f: () => Promise<T>): Promise<T> {
  const undo = grantAtGroup(sim, app.oid, role)
  try {
    return await f()
  } finally {
    undo()
  }
}

describe('registries: authorization', () => {
  it('refuses every operation without a role, naming ACR’s action and the registry scope', async () => {
    const scope = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/contosoacr`
    const cases: [string, string, string, unknown?][] = [
      ['GET', REG, 'read'],
      ['PATCH', REG, 'write', { properties: { adminUserEnabled: true } }],
      ['POST', `${REG}/listCredentials`, 'listCredentials/action'],
      ['POST', `${REG}/regenerateCredential`, 'regenerateCredential/action', { name: 'password' }],
      ['GET', `${REG}/scopeMaps`, 'scopeMaps/read'],
      [
        'PUT',
        `${REG}/scopeMaps/team-a`,
        'scopeMaps/write',
        { properties: { actions: ['repositories/a/content/read'] } },
      ],
      ['DELETE', `${REG}/scopeMaps/team-a`, 'scopeMaps/delete'],
      ['GET', `${REG}/tokens/partner-token`, 'tokens/read'],
      ['PUT', `${REG}/tokens/team-a-token`, 'tokens/write', { properties: {} }],
      ['DELETE', `${REG}/tokens/partner-token`, 'tokens/delete'],
      ['POST', `${REG}/generateCredentials`, 'generateCredentials/action', {}],
    ]
    for (const [method, path, action, body] of cases) {
      const res = await call(method, path, body)
      expectArmError(
        res,
        403,
        'AuthorizationFailed',
        authorizationFailed(app.appId, app.oid, `Microsoft.ContainerRegistry/registries/${action}`, scope),
      )
    }
  })

  it('Reader reads (registry, list, scope maps, tokens) but may not write nor list credentials', async () => {
    await withRole(ROLE.reader, async () => {
      expect((await call('GET', REG)).status).toBe(200)
      expect((await call('GET', `${REG}/tokens`)).status).toBe(200)
      expect((await call('PATCH', REG, { properties: { adminUserEnabled: true } })).status).toBe(403)
      expect((await call('POST', `${REG}/listCredentials`)).status).toBe(403)
    })
  })
})

describe('registries: get, list, update', () => {
  it('GET answers RegistryGet.json’s shape with the login server clients use', async () => {
    await withRole(ROLE.reader, async () => {
      const res = await call('GET', REG)
      expect(res.status).toBe(200)
      const ep = sim.endpoints.registries!.find((r) => r.name === 'contosoacr')!
      expect(res.body).toMatchObject({
        id: ep.resourceId,
        name: 'contosoacr',
        type: 'Microsoft.ContainerRegistry/registries',
        sku: { name: expect.any(String), tier: expect.any(String) },
        properties: {
          loginServer: ep.loginServer,
          provisioningState: 'Succeeded',
          adminUserEnabled: false,
          anonymousPullEnabled: false,
          roleAssignmentMode: 'LegacyRegistryPermissions',
          policies: {
            azureADAuthenticationAsArmPolicy: { status: 'enabled' },
            retentionPolicy: { days: 7, status: 'disabled' },
          },
        },
      })
    })
  })

  it('lists the registries of the subscription and of the resource group the caller may read', async () => {
    expect(
      (await call('GET', `/subscriptions/${SUB}/providers/Microsoft.ContainerRegistry/registries`)).body,
    ).toEqual({
      value: [],
    })
    await withRole(ROLE.reader, async () => {
      const sub = await call('GET', `/subscriptions/${SUB}/providers/Microsoft.ContainerRegistry/registries`)
      const group = await call(
        'GET',
        `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries`,
      )
      for (const res of [sub, group]) {
        expect(res.status).toBe(200)
        expect((res.body.value as { name: string }[]).map((r) => r.name).sort()).toEqual([
          'contosoacr',
          'contosoteams',
        ])
      }
    })
  })

  it('answers ResourceNotFound for a registry that does not exist, and requires api-version', async () => {
    await withRole(ROLE.reader, async () => {
      expectArmError(await call('GET', registryPath('nosuchacr')), 404, 'ResourceNotFound')
      expectArmError(await call('GET', `${REG}%zz/tokens`), 404, 'NotFound')
      expectArmError(await arm(sim, 'GET', REG, { token }), 400, 'MissingApiVersionParameter')
      expectArmError(
        await call('GET', `${REG}/tokens?api-version=2017-10-01`),
        400,
        'NoRegisteredProviderFound',
      )
    })
  })

  it('PATCH changes the settings the token server reads, and validates them', async () => {
    await withRole(ROLE.contributor, async () => {
      // Admin disabled: ARM refuses the credentials and the token server refuses the admin user.
      expectArmError(
        await call('POST', `${REG}/listCredentials`),
        400,
        'BadRequest',
        /Admin user is disabled/,
      )
      const patched = await call('PATCH', REG, {
        properties: {
          adminUserEnabled: true,
          anonymousPullEnabled: true,
          policies: { retentionPolicy: { days: 3, status: 'enabled' } },
        },
      })
      expect(patched.status).toBe(200)
      expect(patched.body.properties).toMatchObject({
        adminUserEnabled: true,
        anonymousPullEnabled: true,
        policies: { retentionPolicy: { days: 3, status: 'enabled' } },
      })
      const creds = await call('POST', `${REG}/listCredentials`)
      expect(creds.status).toBe(200)
      expect(creds.body.username).toBe('contosoacr')
      expect(creds.body.passwords.map((p: { name: string }) => p.name)).toEqual(['password', 'password2'])
      const [p1, p2] = creds.body.passwords as { value: string }[]
      const scope = 'repository:samples/nginx:pull'
      expect((await basicToken(sim, 'contosoacr', 'contosoacr', p1!.value, scope)).status).toBe(200)
      // regenerateCredential: a new password2, the old one refused at once, password unchanged.
      const regen = await call('POST', `${REG}/regenerateCredential`, { name: 'password2' })
      expect(regen.status).toBe(200)
      expect(regen.body.passwords[0].value).toBe(p1!.value)
      expect(regen.body.passwords[1].value).not.toBe(p2!.value)
      expect((await basicToken(sim, 'contosoacr', 'contosoacr', p2!.value, scope)).status).toBe(401)
      expect(
        (await basicToken(sim, 'contosoacr', 'contosoacr', regen.body.passwords[1].value, scope)).status,
      ).toBe(200)
      expectArmError(
        await call('POST', `${REG}/regenerateCredential`, { name: 'password3' }),
        400,
        'BadRequest',
      )
      expectArmError(
        await call('PATCH', REG, { properties: { roleAssignmentMode: 'Other' } }),
        400,
        'BadRequest',
      )
      expectArmError(
        await call('PATCH', REG, { properties: { policies: { retentionPolicy: { days: 400 } } } }),
        400,
        'BadRequest',
      )
      // Back: the admin user disabled is refused again by the token server.
      await call('PATCH', REG, { properties: { adminUserEnabled: false, anonymousPullEnabled: false } })
      expect((await basicToken(sim, 'contosoacr', 'contosoacr', p1!.value, scope)).status).toBe(401)
    })
  })
})

describe('scope maps and tokens', () => {
  it('lists the five system scope maps and the scenario’s, and refuses to change a system one', async () => {
    await withRole(ROLE.contributor, async () => {
      const res = await call('GET', `${REG}/scopeMaps`)
      expect(res.status).toBe(200)
      const names = (res.body.value as { name: string; properties: { type: string } }[])
        .filter((m) => m.properties.type === 'SystemDefined')
        .map((m) => m.name)
        .sort()
      expect(names).toEqual([
        '_repositories_admin',
        '_repositories_pull',
        '_repositories_pull_metadata_read',
        '_repositories_push',
        '_repositories_push_metadata_write',
      ])
      const admin = await call('GET', `${REG}/scopeMaps/_repositories_admin`)
      expect(admin.body).toMatchObject({
        id: `${sim.endpoints.registries![0]!.resourceId}/scopeMaps/_repositories_admin`,
        type: 'Microsoft.ContainerRegistry/registries/scopeMaps',
        properties: { type: 'SystemDefined', provisioningState: 'Succeeded' },
      })
      const put = { properties: { actions: ['repositories/x/content/read'] } }
      expectArmError(await call('PUT', `${REG}/scopeMaps/_repositories_admin`, put), 400, 'BadRequest')
      expectArmError(await call('DELETE', `${REG}/scopeMaps/_repositories_pull`), 400, 'BadRequest')
    })
  })

  it('creates a scope map (201, then 200), a token on it, its passwords — usable at once — and deletes them', async () => {
    await withRole(ROLE.contributor, async () => {
      const body = { properties: { description: 'team a', actions: ['repositories/orders/*/content/read'] } }
      const created = await call('PUT', `${REG}/scopeMaps/team-a-read`, body)
      expect(created.status).toBe(201)
      // ScopeMapCreate.json: a 201 names its operation; the write is done, so it is Succeeded.
      const op = new URL(created.headers.get('azure-asyncoperation')!)
      expect(op.pathname).toMatch(/\/scopeMaps\/team-a-read\/operationStatuses\/scopemaps-[0-9a-f-]{36}$/)
      expect(op.searchParams.get('api-version')).toBe('2023-07-01')
      const status = await arm(sim, 'GET', `${op.pathname}${op.search}`, { token })
      expect(status.status).toBe(200)
      expect(status.body).toEqual({ status: 'Succeeded' })
      const bogus = op.pathname.replace(
        /scopemaps-[0-9a-f-]{36}$/,
        'scopemaps-00000000-0000-0000-0000-000000000000',
      )
      expectArmError(await call('GET', bogus), 404, 'ResourceNotFound')
      expect(created.body.properties).toMatchObject({
        provisioningState: 'Succeeded',
        type: 'UserDefined',
        description: 'team a',
      })
      const withMeta = {
        properties: {
          actions: ['repositories/orders/*/content/read', 'repositories/orders/*/metadata/read'],
        },
      }
      const replaced = await call('PUT', `${REG}/scopeMaps/team-a-read`, withMeta)
      expect(replaced.status).toBe(200)
      expect(replaced.headers.get('azure-asyncoperation')).toBeNull()
      expect(replaced.body.properties.actions).toEqual(withMeta.properties.actions)
      expectArmError(
        await call('PUT', `${REG}/scopeMaps/bad-actions`, {
          properties: { actions: ['repositories/a*b/content/read'] },
        }),
        400,
        'BadRequest',
      )

      const scopeMapId = `${created.body.id as string}`
      const tok = await call('PUT', `${REG}/tokens/team-a-token`, {
        properties: { scopeMapId, status: 'enabled' },
      })
      expect(tok.status).toBe(201)
      expect(tok.headers.get('azure-asyncoperation')).toMatch(
        /\/tokens\/team-a-token\/operationStatuses\/tokens-[0-9a-f-]{36}\?api-version=2023-07-01$/,
      )
      expect(tok.body).toMatchObject({
        name: 'team-a-token',
        type: 'Microsoft.ContainerRegistry/registries/tokens',
        properties: {
          provisioningState: 'Succeeded',
          scopeMapId,
          status: 'enabled',
          credentials: { passwords: [] },
        },
      })
      const gen = await call('POST', `${REG}/generateCredentials`, { tokenId: tok.body.id })
      expect(gen.status).toBe(200)
      expect(gen.body.username).toBe('team-a-token')
      expect(gen.body.passwords.map((p: { name: string }) => p.name)).toEqual(['password1', 'password2'])
      const pw = gen.body.passwords[0].value as string
      const granted = await basicToken(sim, 'contosoacr', 'team-a-token', pw, 'repository:orders/api:pull')
      expect(granted.status).toBe(200)
      expect(granted.access).toEqual([
        { type: 'repository', name: 'orders/api', actions: ['pull', 'metadata_read'] },
      ])
      const outside = await basicToken(sim, 'contosoacr', 'team-a-token', pw, 'repository:samples/nginx:pull')
      expect(outside.access).toEqual([])
      // GET never shows a password's value.
      const shown = await call('GET', `${REG}/tokens/team-a-token`)
      expect(JSON.stringify(shown.body)).not.toContain(pw)

      // An expiry in the past: the password is refused.
      const past = new Date(Date.now() - 3600_000).toISOString()
      const expired = await call('POST', `${REG}/generateCredentials`, {
        tokenId: tok.body.id,
        name: 'password2',
        expiry: past,
      })
      expect(expired.body.passwords).toHaveLength(1)
      expect(expired.body.passwords[0]).toMatchObject({ name: 'password2', expiry: past })
      const expiredPw = expired.body.passwords[0].value as string
      expect(
        (await basicToken(sim, 'contosoacr', 'team-a-token', expiredPw, 'repository:orders/api:pull')).status,
      ).toBe(401)

      // Disabled over PATCH: refused.
      expect(
        (await call('PATCH', `${REG}/tokens/team-a-token`, { properties: { status: 'disabled' } })).status,
      ).toBe(200)
      expect(
        (await basicToken(sim, 'contosoacr', 'team-a-token', pw, 'repository:orders/api:pull')).status,
      ).toBe(401)

      expectArmError(await call('DELETE', `${REG}/scopeMaps/team-a-read`), 400, 'BadRequest', /team-a-token/)
      expect((await call('DELETE', `${REG}/tokens/team-a-token`)).status).toBe(200)
      expect((await call('DELETE', `${REG}/tokens/team-a-token`)).status).toBe(204)
      expectArmError(await call('GET', `${REG}/tokens/team-a-token`), 404, 'ResourceNotFound')
      expect((await call('DELETE', `${REG}/scopeMaps/team-a-read`)).status).toBe(200)
      expect((await call('DELETE', `${REG}/scopeMaps/team-a-read`)).status).toBe(204)
    })
  })

  it('refuses a token on a scope map of another registry or one that does not exist', async () => {
    await withRole(ROLE.contributor, async () => {
      const put = (scopeMapId: unknown) =>
        call('PUT', `${REG}/tokens/bad-token`, { properties: { scopeMapId } })
      const other = `${registryPath('contosoteams')}/scopeMaps/_repositories_pull`
      expectArmError(await put(other), 400, 'BadRequest', /is not a scope map of this registry/)
      expectArmError(await put(42), 400, 'BadRequest')
      expectArmError(await put(`${REG}/scopeMaps/nope-map`), 404, 'ResourceNotFound')
      expectArmError(await call('GET', `${REG}/tokens/bad-token`), 404, 'ResourceNotFound')
    })
  })
})

describe('generic resources', () => {
  it('GET /subscriptions/{s}/resources filters by resourceType and name and by what the caller may read', async () => {
    const list = (filter: string) =>
      arm(
        sim,
        'GET',
        `/subscriptions/${SUB}/resources?api-version=2021-04-01&$filter=${encodeURIComponent(filter)}`,
        { token },
      )
    const filter = "resourceType eq 'Microsoft.ContainerRegistry/registries'"
    expect((await list(filter)).body).toEqual({ value: [] })
    await withRole(ROLE.reader, async () => {
      const all = await list(filter)
      expect(all.status).toBe(200)
      expect(all.body.value.map((r: { name: string }) => r.name).sort()).toEqual([
        'contosoacr',
        'contosoteams',
      ])
      const one = await list(`${filter} and name eq 'CONTOSOACR'`)
      expect(one.body.value).toEqual([
        {
          id: sim.endpoints.registries![0]!.resourceId,
          name: 'contosoacr',
          type: 'Microsoft.ContainerRegistry/registries',
          location: expect.any(String),
        },
      ])
      expectArmError(await list("tagName eq 'x'"), 400, 'BadRequest')
    })
  })
})

describe('bad input', () => {
  it('never answers 5xx, and every refusal is in ARM’s error shape', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'scopeMaps',
        'tokens',
        'listCredentials',
        'regenerateCredential',
        'generateCredentials',
      ),
      fc.constantFrom(
        'operationStatuses',
        '_repositories_admin',
        'partner-token',
        'samples-read',
        '%41b',
        'x',
      ),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    )
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          properties: fc.record(
            {
              actions: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
              scopeMapId: fc.string({ maxLength: 20 }),
              status: fc.constantFrom('enabled', 'disabled', 'on', 3),
              adminUserEnabled: fc.constantFrom(true, 'yes', null),
              policies: fc.jsonValue({ maxDepth: 2 }),
            },
            { requiredKeys: [] },
          ),
          tokenId: fc.constantFrom(`${REG}/tokens/partner-token`, 'x', 7),
          name: fc.constantFrom('password', 'password1', 'password2', 4),
          expiry: fc.constantFrom('2099-01-01T00:00:00Z', 'soon', 0),
        },
        { requiredKeys: [] },
      ),
    )
    await withRole(ROLE.contributor, () =>
      fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'PUT', 'PATCH', 'POST', 'DELETE'),
          fc.array(segment, { maxLength: 4 }),
          body,
          async (method, segs, b) => {
            const res = await call(
              method,
              [REG, ...segs].join('/'),
              method === 'GET' || method === 'DELETE' ? undefined : b,
            )
            expect(res.status, JSON.stringify(res.body)).toBeLessThan(500)
            if (res.status >= 400) {
              expect(Object.keys(res.body)).toEqual(['error'])
              expect(typeof res.body.error.code).toBe('string')
            }
          },
        ),
        { numRuns: 150 },
      ),
    )
  })
})

describe('providers', () => {
  it('lists Microsoft.ContainerRegistry with its types and api-versions', async () => {
    await withRole(ROLE.reader, async () => {
      const res = await arm(
        sim,
        'GET',
        `/subscriptions/${SUB}/providers/Microsoft.ContainerRegistry?api-version=2021-04-01`,
        { token },
      )
      expect(res.status).toBe(200)
      expect(res.body.resourceTypes.map((t: { resourceType: string }) => t.resourceType)).toEqual([
        'registries',
        'registries/scopeMaps',
        'registries/tokens',
      ])
      expect(res.body.resourceTypes[0].apiVersions).toContain('2023-07-01')
    })
  })
})
