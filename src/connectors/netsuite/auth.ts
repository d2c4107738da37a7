import type { NetSuiteAuth } from './config-schema.ts'
import { createM2mTokenSource, type FormPost } from './m2m-token.ts'
import { signTbaRequest } from './tba-signer.ts'

/**
 * Produces the Authorization header of one request. TBA signs every request with a fresh nonce and
 * timestamp; OAuth 2.0 client credentials (M2M) sends a cached bearer token and fetches another when it
 * nears expiry or the API refuses it.
 */
export interface Authenticator {
  authorization(method: string, url: URL): Promise<string>
  /**
   * The API answered 401 to a request sent with `authorization`. True when the same request may succeed
   * with fresh credentials (a bearer token that expired early or was revoked); a TBA signature would fail
   * again, so TBA says false.
   */
  refused(authorization: string): boolean
}

export interface AuthenticatorDeps {
  /** `<base>/services/rest/auth/oauth2/v1/token`, which is also the assertion's audience. */
  tokenUrl: URL
  post: FormPost
}

export function createAuthenticator(accountId: string, auth: NetSuiteAuth, deps: AuthenticatorDeps): Authenticator {
  switch (auth.method) {
    case 'tba':
      return {
        async authorization(method, url) {
          // Secrets are revealed only here, at the point of use, and never stored in plain form.
          return signTbaRequest(
            { method, url },
            {
              realm: accountId,
              consumerKey: auth.consumerKey.reveal(),
              consumerSecret: auth.consumerSecret.reveal(),
              tokenId: auth.tokenId.reveal(),
              tokenSecret: auth.tokenSecret.reveal(),
            },
          ).authorization
        },
        refused: () => false,
      }
    case 'm2m': {
      const tokens = createM2mTokenSource(auth, deps.tokenUrl, deps.post)
      const prefix = 'Bearer '
      return {
        authorization: async () => `${prefix}${await tokens.token()}`,
        refused(authorization) {
          if (!authorization.startsWith(prefix)) return false
          tokens.invalidate(authorization.slice(prefix.length))
          return true
        },
      }
    }
  }
}
