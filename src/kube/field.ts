/**
 * field.Error values of k8s.io/apimachinery/pkg/util/validation/field, printed the way
 * field.Error.ErrorBody() and Error() print them (`metadata.name: Invalid value: "X": <detail>`).
 */

/** field.ErrorType, as carried in a Status cause's `reason`. */
export type FieldErrorType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueForbidden'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid'

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTypeInvalid: 'Invalid value',
}

/** One field.Error: what is wrong with which field. */
export class FieldError {
  readonly type: FieldErrorType
  readonly field: string
  readonly detail: string
  /** The bad value already rendered as Go prints it; absent for the types whose body never shows it. */
  readonly badValue: string | undefined
  constructor(type: FieldErrorType, field: string, detail: string, badValue?: string) {
    this.type = type
    this.field = field
    this.detail = detail
    this.badValue = badValue
  }
  /** field.Error.ErrorBody(): the type, the value when it is shown, then the detail. */
  get body(): string {
    const head =
      this.badValue === undefined ? TYPE_TEXT[this.type] : `${TYPE_TEXT[this.type]}: ${this.badValue}`
    return this.detail ? `${head}: ${this.detail}` : head
  }
  /** field.Error.Error(): `<field>: <body>`. */
  get message(): string {
    return `${this.field}: ${this.body}`
  }
}

/** A value as the API server's messages print it: strings quoted, other values as JSON. */
const printed = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v))

export const invalid = (field: string, value: unknown, detail: string): FieldError =>
  new FieldError('FieldValueInvalid', field, detail, printed(value))

/** Invalid with a value already formatted the way Go prints it (`%q`, `%#v` of maps and structs). */
export const invalidRaw = (field: string, formatted: string, detail: string): FieldError =>
  new FieldError('FieldValueInvalid', field, detail, formatted)

export const typeInvalid = (field: string, formatted: string, detail: string): FieldError =>
  new FieldError('FieldValueTypeInvalid', field, detail, formatted)

export const required = (field: string, detail = ''): FieldError =>
  new FieldError('FieldValueRequired', field, detail)

export const forbidden = (field: string, detail: string): FieldError =>
  new FieldError('FieldValueForbidden', field, detail)

export const notSupported = (field: string, value: unknown, allowed: string[]): FieldError =>
  new FieldError(
    'FieldValueNotSupported',
    field,
    `supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
    printed(value),
  )

export const duplicate = (field: string, value: unknown): FieldError =>
  new FieldError('FieldValueDuplicate', field, '', printed(value))

/** field.TooLong for a byte budget (the value itself is never printed). */
export const tooLong = (field: string, maxBytes: number): FieldError =>
  new FieldError('FieldValueTooLong', field, `must have at most ${maxBytes} bytes`)
