/**
 * The simulator's local PKI: one CA, a server certificate for every HTTPS listener (SAN localhost,
 * 127.0.0.1, ::1 and the `--public-host` names) and client certificates (the API server's for the webhooks, the admin kubeconfig's).
 * Created on first start with @peculiar/x509 and kept in `<state-dir>/pki` so later starts, and the
 * kubeconfigs and NODE_EXTRA_CA_CERTS settings that point at them, stay valid.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { webcrypto, X509Certificate } from 'node:crypto'
import type * as X509 from '@peculiar/x509'
import { loadX509 } from './x509.js'
import { exportPkcs8Pem } from './pem.js'

export interface CertKey {
  certPem: string
  keyPem: string
}

export interface Pki {
  ca: CertKey
  /** Leaf certificate for every HTTPS listener. */
  server: CertKey
  /** Where the CA certificate is on disk (for NODE_EXTRA_CA_CERTS and kubeconfigs), if persisted. */
  caFile: string | undefined
  /** Issues a client certificate signed by the CA (cached on disk under `name`). */
  clientCert(
    name: string,
    subject: { cn: string; o?: string[] },
  ): Promise<CertKey & { certFile?: string; keyFile?: string }>
}

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const
const DAY = 86_400_000

function dn(cn: string, o: string[] = []): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1')
  return [`CN=${esc(cn)}`, ...o.map((x) => `O=${esc(x)}`)].join(', ')
}

async function newKeys() {
  return await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])
}

async function createCa(): Promise<CertKey & { keys: webcrypto.CryptoKeyPair }> {
  const x509 = await loadX509()
  const keys = await newKeys()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: dn('aks-auth-sim local CA', ['aks-auth-sim']),
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: SIGN,
    keys: keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportPkcs8Pem(keys.privateKey), keys }
}

function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(12))
  b[0] = b[0]! & 0x7f
  return Buffer.from(b).toString('hex')
}

async function importCaKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  return webcrypto.subtle.importKey('pkcs8', der, EC, false, ['sign'])
}

async function issue(
  ca: CertKey,
  subject: string,
  usage: 'server' | 'client',
  sans: { dns: string[]; ip: string[] } = { dns: [], ip: [] },
): Promise<CertKey> {
  const x509 = await loadX509()
  const keys = await newKeys()
  const caCert = new x509.X509Certificate(ca.certPem)
  const caKey = await importCaKey(ca.keyPem)
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([
      usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
    ]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ]
  if (usage === 'server')
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
        ...sans.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
    )
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 825 * DAY),
    signingAlgorithm: SIGN,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions,
  })
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportPkcs8Pem(keys.privateKey) }
}

/** A certificate that still works in a week and chains to `ca` (so stale files are replaced). */
function stillValid(certPem: string, ca: CertKey): boolean {
  try {
    const c = new X509Certificate(certPem)
    return (
      c.checkIssued(new X509Certificate(ca.certPem)) && new Date(c.validTo).getTime() > Date.now() + 7 * DAY
    )
  } catch {
    return false
  }
}

function loadPair(dir: string, name: string): CertKey | undefined {
  const cert = join(dir, `${name}.crt`)
  const key = join(dir, `${name}.key`)
  if (!existsSync(cert) || !existsSync(key)) return undefined
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') }
}

function savePair(dir: string, name: string, pair: CertKey): { certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.crt`)
  const keyFile = join(dir, `${name}.key`)
  writeFileSync(certFile, pair.certPem)
  writeFileSync(keyFile, pair.keyPem, { mode: 0o600 })
  // The mode of writeFileSync applies only to a new file: an existing key file may be older and wider.
  chmodSync(keyFile, 0o600)
  return { certFile, keyFile }
}

/** The server certificate's names: the loopback names, then `publicHosts` (addresses as IP SANs). */
export function serverNames(publicHosts: readonly string[] = []): { dns: string[]; ip: string[] } {
  const dns = ['localhost', ...publicHosts.filter((h) => isIP(h) === 0)]
  const ip = ['127.0.0.1', '::1', ...publicHosts.filter((h) => isIP(h) !== 0)]
  return { dns: [...new Set(dns)], ip: [...new Set(ip)] }
}

/** The certificate names exactly `names` (a name added or dropped with --public-host re-issues it). */
function namesExactly(certPem: string, names: { dns: string[]; ip: string[] }): boolean {
  try {
    const c = new X509Certificate(certPem)
    const entries = (c.subjectAltName ?? '').split(', ').filter(Boolean)
    return (
      entries.length === names.dns.length + names.ip.length &&
      names.dns.every((n) => c.checkHost(n, { wildcards: false }) !== undefined) &&
      names.ip.every((n) => c.checkIP(n) !== undefined)
    )
  } catch {
    return false
  }
}

/**
 * Loads the PKI from `dir` (normally `<state-dir>/pki`), creating what is missing. Without a dir
 * everything lives in memory. The server certificate is re-issued when it does not name exactly the
 * loopback names and `publicHosts`.
 */
export async function loadOrCreatePki(
  dir: string | undefined,
  publicHosts: readonly string[] = [],
): Promise<Pki> {
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    chmodSync(dir, 0o700)
  }
  let ca = dir ? loadPair(dir, 'ca') : undefined
  if (!ca) {
    const created = await createCa()
    ca = { certPem: created.certPem, keyPem: created.keyPem }
    if (dir) savePair(dir, 'ca', ca)
  }
  const caPair = ca
  let server = dir ? loadPair(dir, 'server') : undefined
  const names = serverNames(publicHosts)
  if (!server || !stillValid(server.certPem, caPair) || !namesExactly(server.certPem, names)) {
    server = await issue(caPair, dn('aks-auth-sim', ['aks-auth-sim']), 'server', names)
    if (dir) savePair(dir, 'server', server)
  }
  const clients = new Map<string, CertKey & { certFile?: string; keyFile?: string }>()
  return {
    ca: caPair,
    server,
    caFile: dir ? join(dir, 'ca.crt') : undefined,
    async clientCert(name, subject) {
      const cached = clients.get(name)
      if (cached) return cached
      let pair = dir ? loadPair(dir, name) : undefined
      const wanted = dn(subject.cn, subject.o)
      if (
        !pair ||
        !stillValid(pair.certPem, caPair) ||
        new X509Certificate(pair.certPem).subject !== wanted.split(', ').join('\n')
      )
        pair = await issue(caPair, wanted, 'client')
      const files = dir ? savePair(dir, name, pair) : {}
      const out = { ...pair, ...files }
      clients.set(name, out)
      return out
    },
  }
}
