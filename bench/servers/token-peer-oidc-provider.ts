/**
 * Peer for the token benchmark: oidc-provider (9.x) over plain HTTP with one RS256 key, issuing JWT
 * access tokens for client_credentials (resource indicators give the Graph resource a JWT format),
 * for the same client id and secret the simulator's benchmark uses.
 */
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import Provider from 'oidc-provider'

const clientId = process.env.BENCH_CLIENT_ID ?? 'bench-client'
const clientSecret = process.env.BENCH_CLIENT_SECRET ?? 'bench-secret'
const RESOURCE = 'https://graph.microsoft.com'
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const provider = new Provider('http://127.0.0.1', {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }] },
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: '.default',
        audience: RESOURCE,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
})
provider.proxy = true
const server = createServer(provider.callback())
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as { port: number }).port
  process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${port}/token` })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
