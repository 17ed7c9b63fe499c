/** The HTTP toolkit every service and the CLI share; import it only through this file. */
export { HttpError } from './errors.js'
export { expressClientErrorMessage, expressClientErrorStatus } from './client-errors.js'
export { jsonErrorHandler, type JsonErrorOptions } from './json-errors.js'
export { formBody, readFormBody, FORM_LIMIT, type FormFields } from './form.js'
export { delay, jsonBody, rawBody } from './json.js'
export { listen, type Handler, type Listener, type ListenOptions } from './listen.js'
export { logRequest, requestLog, requestLogLine, type RequestRecord } from './request-log.js'
export { mediaTypeAsSent, mediaTypeOf, parseAccept, type MediaType } from './media-type.js'
export {
  BodyAborted,
  BodyReadError,
  BodyTooLarge,
  contentEncodingOf,
  CorruptContentEncoding,
  readRequestBody,
  UnsupportedContentEncoding,
  type ReadBodyOptions,
} from './body.js'
export {
  createHttpsClient,
  sendHttps,
  type HttpsAnswer,
  type HttpsCall,
  type HttpsClient,
  type HttpsClientOptions,
  type HttpsResponse,
} from './https-client.js'
export { openListener, type OpenListener } from './listen.js'
export {
  hostGuard,
  hostName,
  refusalOf,
  sendJson,
  type HostGuardOptions,
  type Refusal,
  type Refuse,
} from './host-guard.js'
