/**
 * The registry's errors, named after their wire codes: the Docker/OCI distribution envelope
 * `{"errors":[{"code","message","detail"}]}` with ACR's texts (docs/acr.md; Azure/acr's troubleshooting guide).
 * routes.ts renders them in one place; a 401 also carries the challenge.
 */

export const AUTHORIZATION_TEXT =
  'authentication required, visit https://aka.ms/acr/authorization for more information.'
export const DISALLOWED_TEXT =
  'The operation is disallowed on this registry, repository or image. View troubleshooting steps at https://aka.ms/acr/faq/#why-does-my-pull-or-push-request-fail-with-disallowed-operation'

export class AcrError extends Error {
  readonly headers: Record<string, string> = {}
  readonly status: number
  readonly code: string
  readonly detail: unknown
  constructor(status: number, code: string, message: string, detail?: unknown) {
    super(message)
    this.status = status
    this.code = code
    this.detail = detail
  }
}

/** One required action, as ACR lists it in a 401's `detail`. */
export interface ChallengeDetail {
  Type: string
  Name: string
  Action: string
}

/** 401 with ACR's challenge; `scope` is absent only on `GET /v2/`. */
export class Unauthorized extends AcrError {
  readonly scope: string | undefined
  constructor(
    scope: string | undefined,
    detail: ChallengeDetail[] | undefined,
    message = AUTHORIZATION_TEXT,
  ) {
    super(401, 'UNAUTHORIZED', message, detail)
    this.scope = scope
  }
}

/** A rejected credential at `/oauth2/*` (no challenge header: the token endpoints are not resources). */
export class TokenUnauthorized extends AcrError {
  constructor(message = AUTHORIZATION_TEXT) {
    super(401, 'UNAUTHORIZED', message)
  }
}

export class Denied extends AcrError {
  constructor(message: string) {
    super(403, 'DENIED', message)
  }
}

export class NameUnknown extends AcrError {
  constructor(name: string) {
    super(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name })
  }
}

export class NameInvalid extends AcrError {
  constructor(name: string) {
    super(400, 'NAME_INVALID', 'invalid repository name', { name })
  }
}

export class ManifestUnknown extends AcrError {
  /** ACR: `manifest tagged by "<tag>" is not found` with `{"Tag"}`; a digest reads `manifest <digest> is not found`. */
  constructor(reference: string, message?: string) {
    const digest = reference.startsWith('sha256:')
    super(
      404,
      'MANIFEST_UNKNOWN',
      message ??
        (digest ? `manifest ${reference} is not found` : `manifest tagged by "${reference}" is not found`),
      digest ? { Digest: reference } : { Tag: reference },
    )
  }
}

export class ManifestInvalid extends AcrError {
  constructor(reason: string) {
    super(400, 'MANIFEST_INVALID', 'manifest invalid', { reason })
  }
}

export class ManifestBlobUnknown extends AcrError {
  constructor(digest: string) {
    super(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest })
  }
}

export class TagInvalid extends AcrError {
  constructor(tag: string) {
    super(400, 'TAG_INVALID', 'manifest tag did not match URI', { tag })
  }
}

export class BlobUnknown extends AcrError {
  constructor(digest: string) {
    super(404, 'BLOB_UNKNOWN', 'blob unknown to registry', digest)
  }
}

export class BlobUploadUnknown extends AcrError {
  constructor() {
    super(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry')
  }
}

export class BlobUploadInvalid extends AcrError {
  constructor(reason: string) {
    super(416, 'BLOB_UPLOAD_INVALID', 'blob upload invalid', { reason })
  }
}

export class DigestInvalid extends AcrError {
  constructor(reason: string) {
    super(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', { reason })
  }
}

export class SizeInvalid extends AcrError {
  constructor() {
    super(400, 'SIZE_INVALID', 'provided length did not match content length')
  }
}

export class Unsupported extends AcrError {
  constructor(message = 'The operation is unsupported.') {
    super(405, 'UNSUPPORTED', message)
  }
}

export class PaginationInvalid extends AcrError {
  constructor() {
    super(400, 'PAGINATION_NUMBER_INVALID', 'invalid number of results requested', { n: 'must be 1–1000' })
  }
}

/** A locked repository, tag or manifest (changeableAttributes). */
export class DisallowedOperation extends AcrError {
  constructor() {
    super(405, 'REGISTRY_DISALLOWED_OPERATION', DISALLOWED_TEXT, {})
  }
}

/** 404 without an ACR body (e.g. `GET /oauth2/exchange`). */
export class NotFound extends AcrError {
  constructor() {
    super(404, 'NOT_FOUND', '404 page not found')
  }
}

export class BadRequest extends AcrError {
  constructor(message: string) {
    super(400, 'BAD_REQUEST', message)
  }
}

export class BodyTooLargeError extends AcrError {
  constructor() {
    super(413, 'SIZE_INVALID', 'request entity too large')
  }
}
