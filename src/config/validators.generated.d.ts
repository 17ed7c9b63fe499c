// Types of validators.generated.js (written by `npm run docs:config`): ajv validators of schema.ts.
import type { ValidateFunction } from 'ajv/dist/2020.js'
import type { ConfigOptions } from './options.js'
import type { ConfigFileOptions } from './file.js'

export declare const validateOptions: ValidateFunction<ConfigOptions>
export declare const validateFile: ValidateFunction<ConfigFileOptions>
