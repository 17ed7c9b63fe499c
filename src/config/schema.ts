/**
 * The one description of every configuration option's shape and range: JSON Schema (draft 2020-12).
 * resolveConfig checks programmatic options against `configOptionsSchema`; a `start --config` file is
 * checked against `configFileSchema` (the same options plus the file-only keys), published as
 * docs/config.schema.json by `npm run docs:config` (a test fails if the committed copy drifts).
 * Unknown keys are errors everywhere, so a typo never silently does nothing.
 */

const integer = (
  description: string,
  range: { minimum?: number; exclusiveMinimum?: number; maximum?: number },
) => ({ type: 'integer', ...range, description }) as const
const boolean = (description: string) => ({ type: 'boolean', description }) as const
const string = (description: string) => ({ type: 'string', minLength: 1, description }) as const
const strings = (description: string) =>
  ({ type: 'array', items: { type: 'string', minLength: 1 }, description }) as const

export const configOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stateDir: string('Where keys, certificates and endpoints.json live.'),
    host: string('Interface every listener binds to. Default 127.0.0.1.'),
    publicHosts: {
      type: 'array',
      items: {
        type: 'string',
        // A DNS name (letters, digits, hyphens, dots), an IPv4 address or an IPv6 address without brackets.
        pattern:
          '^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$',
        maxLength: 253,
        examples: ['sim.example.test'],
      },
      description:
        'Names or addresses other machines use to reach this one (--public-host): in every server certificate, the URLs (the first one) and the names every listener answers to.',
    },
    portBase: integer('First port; service i listens on portBase + i. 0 lets the OS choose each port.', {
      minimum: 0,
      maximum: 65_520,
    }),
    autoApprove: string('Approve every device code as this user (UPN) as soon as it is issued.'),
    logFormat: {
      type: 'string',
      enum: ['none', 'text', 'json'],
      description:
        'Request log on stderr: none (default), text (one line per request) or json (one JSON object per line). Never carries a token or secret.',
    },
    deviceCode: {
      type: 'object',
      additionalProperties: false,
      properties: {
        expiresIn: integer('Seconds until a device code expires (expires_in). Azure: 900.', { minimum: 1 }),
        interval: integer('Seconds between polls (interval). Azure: 5; openid-client rejects 0.', {
          minimum: 1,
        }),
      },
    },
    tokens: {
      type: 'object',
      additionalProperties: false,
      properties: {
        accessTokenLifetime: integer(
          "Access token lifetime in seconds; more than 300, MSAL's renewal window. Default 3600.",
          { exclusiveMinimum: 300 },
        ),
        refreshTokenLifetime: integer('Refresh token inactivity lifetime in seconds. Azure: 90 days.', {
          minimum: 1,
        }),
        realIssuers: boolean('Issue tokens with the real Microsoft issuer strings. Default false.'),
      },
    },
    keys: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rotationGraceSeconds: integer('Seconds a retired signing key stays in the JWKS. Default 86400.', {
          minimum: 0,
        }),
      },
    },
    webhook: {
      type: 'object',
      additionalProperties: false,
      properties: {
        audience: string('The aud tokens must carry (the AKS server app).'),
        verifyAudience: boolean("Check aud (guard's --azure.verify-clientID). Default true."),
        issuer: string("Required iss. Default: the tenant's v1 metadata issuer."),
        apiAudiences: strings('Audiences the webhook vouches for when a TokenReview names spec.audiences.'),
        rejectDisabledUsers: boolean('Refuse tokens of disabled or deleted users. Default true.'),
        cacheTtlSeconds: integer(
          'Seconds a successful TokenReview is cached; 0 turns the cache off. Default 60.',
          {
            minimum: 0,
          },
        ),
        requireClientCert: boolean("Require the API server's client certificate (O=azure). Default true."),
        guardStatusCodes: boolean('Answer refused tokens with HTTP 401 as guard does. Default false.'),
        graphApplication: string('The scenario application whose secret the webhook uses for Graph.'),
        authzCacheTtlSeconds: integer(
          'Seconds guard caches an Azure RBAC decision; 0 turns it off. Default 180.',
          {
            minimum: 0,
          },
        ),
        denyAsNoOpinion: boolean('Answer "no opinion" where guard answers "denied". Default false.'),
      },
    },
    apiServer: {
      type: 'object',
      additionalProperties: false,
      properties: {
        version: {
          type: 'string',
          pattern: '^v?\\d+\\.\\d+\\.\\d+$',
          examples: ['1.32.4'],
          description: 'Kubernetes version at /version. Default 1.32.4.',
        },
        tokenCacheTtlSeconds: integer(
          "kube-apiserver's --authentication-token-webhook-cache-ttl in seconds. Default 120.",
          { minimum: 0 },
        ),
        apiAudiences: strings('--api-audiences.'),
        anonymousAuth: boolean('--anonymous-auth. Default true.'),
        authorizationOrder: {
          type: 'array',
          items: { enum: ['RBAC', 'Webhook'] },
          description: 'Authorizers after the system:masters shortcut, in order. Default [RBAC, Webhook].',
        },
      },
    },
    arm: {
      type: 'object',
      additionalProperties: false,
      properties: {
        operationSeconds: integer(
          'Simulated seconds a control-plane operation (scale, upgrade, stop, start, update) runs. Default 20.',
          { minimum: 0, maximum: 86_400 },
        ),
        retryAfterSeconds: integer('Retry-After (seconds) on a running operation. Default 5.', {
          minimum: 0,
          maximum: 3600,
        }),
      },
    },
    room: {
      type: 'object',
      additionalProperties: false,
      properties: {
        attendees: integer(
          'Room mode (--attendees): attendee users attendee01… in the tenant, each with a namespace, and the group workshop-attendees (docs/room.md). 0 (default) turns it off.',
          { minimum: 0, maximum: 100 },
        ),
        demoPasswords: {
          type: 'string',
          enum: ['random', 'shared'],
          description:
            "Room mode (--demo-passwords): the scenario's own users (alice, bob, …) get a random password each, shown only on the host's sheet (random, default), or keep the scenario's shared one (shared: any attendee can then sign in as alice, cluster-admin). docs/room.md",
        },
      },
    },
  },
} as const

/** A `start --config` file: every option, plus the scenario; relative paths are the file's directory's. */
export const configFileSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://aks-auth-sim.local/config.schema.json',
  title: 'aks-auth-sim configuration file (aks-auth-sim start --config FILE)',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'This schema, for editors.' },
    scenario: string('The scenario file (YAML or JSON); relative to this file. Default: the demo tenant.'),
    pkiDir: string('Where the CA and certificates live; relative to this file. Default <stateDir>/pki.'),
    ...configOptionsSchema.properties,
    stateDir: string('Where keys, certificates and endpoints.json live; relative to this file.'),
  },
} as const
