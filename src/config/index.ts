/** The services' configuration: options, their defaults, and their one resolution and check. */
export { defaults, type ResolvedConfig } from './resolved.js'
export { resolveConfig } from './resolve.js'
export type { ConfigOptions } from './options.js'
