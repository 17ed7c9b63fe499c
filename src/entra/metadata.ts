/**
 * Discovery documents (OIDC v2 and v1), instance discovery and JWKS, shaped as Entra serves them
 * (OpenID Connect Discovery 1.0; Microsoft Learn v2-protocols-oidc; msal-common Authority.ts) with this
 * host in every URL.
 */
import type { EntraDeps } from './deps.js'

export function v2OpenIdConfiguration(
  deps: EntraDeps,
  tenantSegment: string,
  generic: boolean,
): Record<string, unknown> {
  const a = deps.authority()
  // Entra answers a domain with GUID paths; the generic tenants keep their alias and a templated issuer.
  const t = generic ? tenantSegment : deps.directory.tenant.id
  return {
    token_endpoint: `${a}/${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${a}/${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: generic ? deps.issuers().v2.replace(deps.directory.tenant.id, '{tenantid}') : deps.issuers().v2,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `https://${deps.graphHost()}/oidc/userinfo`,
    authorization_endpoint: `${a}/${t}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${a}/${t}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${a}/${t}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${a}/${t}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: deps.graphHost(),
    rbac_url: 'https://pas.windows.net',
  }
}

export function v1OpenIdConfiguration(deps: EntraDeps): Record<string, unknown> {
  const a = deps.authority()
  const t = deps.directory.tenant.id
  return {
    authorization_endpoint: `${a}/${t}/oauth2/authorize`,
    token_endpoint: `${a}/${t}/oauth2/token`,
    device_authorization_endpoint: `${a}/${t}/oauth2/devicecode`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${a}/${t}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${a}/${t}/oauth2/logout`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: deps.issuers().v1,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'amr',
      'nonce',
      'email',
      'given_name',
      'family_name',
      'nickname',
    ],
    microsoft_multi_refresh_token: true,
    check_session_iframe: `${a}/${t}/oauth2/checksession`,
    userinfo_endpoint: `${a}/${t}/openid/userinfo`,
    kerberos_endpoint: `${a}/${t}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: deps.graphHost(),
    rbac_url: 'https://pas.windows.net',
  }
}

export function instanceDiscovery(
  deps: EntraDeps,
  authorizationEndpoint: string | undefined,
): Record<string, unknown> {
  const host = new URL(deps.authority()).host
  let tenant = 'common'
  if (authorizationEndpoint) {
    try {
      tenant = new URL(authorizationEndpoint).pathname.split('/')[1] || 'common'
    } catch {
      // Unparseable: describe the common tenant, as Entra does for unknown input.
    }
  }
  return {
    tenant_discovery_endpoint: `${deps.authority()}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  }
}
