/**
 * @peculiar/x509, loaded on first use: creating certificates and signing keys needs it, but a warm start
 * (the state dir already holds them) does not, and loading it (with the Reflect metadata polyfill that its
 * ASN.1 schemas resolve through tsyringe) costs about a tenth of a second.
 */
import { webcrypto } from 'node:crypto'
import type * as x509Module from '@peculiar/x509'

type X509 = typeof x509Module

let loaded: Promise<X509> | undefined

export function loadX509(): Promise<X509> {
  return (loaded ??= (async () => {
    await import('reflect-metadata')
    const x509 = await import('@peculiar/x509')
    x509.cryptoProvider.set(webcrypto as unknown as Crypto)
    return x509
  })())
}
