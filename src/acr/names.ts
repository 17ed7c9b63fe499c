/**
 * Names on the distribution API: repository names (lowercase path components joined by `/`), tags and
 * digests, as the OCI distribution spec defines them. Everything is validated before it reaches
 * storage or a challenge.
 */

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*'
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/
const SHA256 = /^sha256:[a-f0-9]{64}$/

export const isRepositoryName = (s: string): boolean => s.length <= 256 && REPOSITORY.test(s)
export const isTag = (s: string): boolean => TAG.test(s)
export const isDigest = (s: string): boolean => SHA256.test(s)
/** A digest of another algorithm (`sha512:…`): well-formed but not stored here. */
export const looksLikeDigest = (s: string): boolean =>
  /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(s)
