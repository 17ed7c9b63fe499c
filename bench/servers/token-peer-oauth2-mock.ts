/**
 * Peer for the token benchmark: oauth2-mock-server (8.x) over plain HTTP with one RS256 key, issuing a
 * JWT access token for client_credentials at its /token endpoint.
 */
import { OAuth2Server } from 'oauth2-mock-server'

const server = new OAuth2Server()
await server.issuer.keys.generate('RS256')
await server.start(0, '127.0.0.1')
const url = `${server.issuer.url!}/token`
process.stdout.write(`READY ${JSON.stringify({ url })}\n`)
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)))
