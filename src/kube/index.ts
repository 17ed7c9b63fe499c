/**
 * The Kubernetes wire module every Kubernetes-speaking slice shares (API server, review webhook,
 * RBAC, pod identity): metav1.Status and the API errors named after its reasons, field errors, name
 * checks, Go-style formatting, shared wire types, metav1.Time, the authorization.k8s.io review
 * parsing and the protobuf definitions. It imports no service slice.
 */
export { KubeStatusError, StatusError, renderStatus, type Status, type StatusDetails } from './status.js'
export {
  AlreadyExists,
  BadRequest,
  Conflict,
  Expired,
  Forbidden,
  InternalError,
  Invalid,
  MethodNotAllowed,
  NotAcceptable,
  NotFound,
  RequestEntityTooLarge,
  Unauthorized,
  UnprocessableEntity,
  UnsupportedMediaType,
} from './errors.js'
export {
  duplicate,
  forbidden,
  invalid,
  invalidRaw,
  notSupported,
  required,
  tooLong,
  typeInvalid,
  FieldError,
} from './field.js'
export {
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  labelValue,
  pathSegmentName,
  qualifiedName,
} from './names.js'
export { aggregateErrors, goList, goQuote } from './go-format.js'
export { rfc3339 } from './time.js'
export type {
  NonResourceRule,
  ObjectMeta,
  ResourceRule,
  SubjectRulesReviewStatus,
  UserInfo,
} from './types.js'
export {
  MAX_REQUEST_BODY_BYTES,
  decodeReviewBody,
  decodeSubjectAccessReviewBody,
  parseReview,
  parseSubjectAccessReview,
  type ParseOptions,
  type ParsedAccessReview,
  type ParsedReview,
  type ParsedRulesReview,
} from './reviews/parse.js'
export * from './reviews/types.js'
export { loadKubeProtos } from './proto/loader.js'
export {
  createSchemaModel,
  type FieldModel,
  type MessageModel,
  type SchemaModel,
  type ValueKind,
} from './proto/model.js'
export { PROTOBUF_MAGIC, ProtobufDecodeError, decodeEnvelope, decodeObject } from './proto/decode.js'
