/** The services' configuration: options, their defaults, their schema, and their one resolution and check. */
export { defaults, type ResolvedConfig } from './resolved.js'
export { resolveConfig } from './resolve.js'
export type { ConfigOptions } from './options.js'
export { configFileSchema, configOptionsSchema } from './schema.js'
export { type ConfigFileOptions, loadConfigFile, validateConfigFile } from './file.js'
