// Types of validators.generated.js (written by `npm run docs:config`): ajv validators of schema.ts.
// The file validator's type is spelled out rather than imported from file.ts, which imports this module.
import type { ValidateFunction } from 'ajv/dist/2020.js'
import type { ConfigOptions } from './options.js'

export declare const validateOptions: ValidateFunction<ConfigOptions>
export declare const validateFile: ValidateFunction<ConfigOptions & { scenario?: string; pkiDir?: string }>
