//! Single sign-on with OpenID Connect: the LA's identity provider (Microsoft Entra ID, or any
//! other) signs its staff in, and says each one's Stride role in a claim. The authorisation
//! code flow with PKCE, a state and a nonce, through the `openidconnect` crate, which checks the
//! ID token's signature against the provider's published keys, its issuer, audience, expiry and
//! nonce. The provider's metadata is read afresh at each sign-in, so a rotated key is met at once.

use base64::Engine;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use stride_core::Role;

/// How Stride meets the LA's identity provider.
#[derive(Clone)]
pub struct SingleSignOn {
    /// The provider's issuer, whose `/.well-known/openid-configuration` describes it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Stride's own address that the provider sends people back to.
    pub redirect_url: String,
    /// The claim of the ID token that holds the roles: `roles` for Entra ID's app roles.
    pub role_claim: String,
    /// What the sign-in button calls the provider: "Sign in with {provider_name}".
    pub provider_name: String,
}

impl std::fmt::Debug for SingleSignOn {
    // The secret stays out of the log.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SingleSignOn")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("redirect_url", &self.redirect_url)
            .field("role_claim", &self.role_claim)
            .finish_non_exhaustive()
    }
}

/// Why a sign-in at the provider could not be used; for the log, never shown as it is.
#[derive(Debug, thiserror::Error)]
#[error("single sign-on: {0}")]
pub struct SingleSignOnError(String);

fn failed(what: &str) -> impl Fn(String) -> SingleSignOnError + '_ {
    move |detail| SingleSignOnError(format!("{what}: {detail}"))
}

/// Where to send someone to sign in, and what must come back with them.
pub struct AuthorisationRequest {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vouched {
    pub subject: String,
    pub username: String,
    pub name: String,
    pub roles: Vec<String>,
}

fn http_client() -> Result<openidconnect::reqwest::Client, SingleSignOnError> {
    // Following redirects would let a provider's answer send Stride to any address.
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| failed("making the HTTP client")(error.to_string()))
}

async fn metadata(
    config: &SingleSignOn,
    http: &openidconnect::reqwest::Client,
) -> Result<CoreProviderMetadata, SingleSignOnError> {
    let issuer = IssuerUrl::new(config.issuer.clone()).map_err(|error| failed("the issuer")(error.to_string()))?;
    CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|error| failed("reading the provider's metadata")(error.to_string()))
}

/// Stride as the provider's client, as its metadata describes the provider: its authorisation
/// endpoint set, and its token and user-info endpoints as the metadata gives them.
type ProviderClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

async fn client(
    config: &SingleSignOn,
    http: &openidconnect::reqwest::Client,
) -> Result<ProviderClient, SingleSignOnError> {
    let redirect_url = RedirectUrl::new(config.redirect_url.clone())
        .map_err(|error| failed("the redirect address")(error.to_string()))?;
    Ok(CoreClient::from_provider_metadata(
        metadata(config, http).await?,
        ClientId::new(config.client_id.clone()),
        Some(ClientSecret::new(config.client_secret.clone())),
    )
    .set_redirect_uri(redirect_url))
}

/// The provider's sign-in address for a new sign-in, with its state, nonce and PKCE challenge.
pub async fn authorisation_request(config: &SingleSignOn) -> Result<AuthorisationRequest, SingleSignOnError> {
    let http = http_client()?;
    let client = client(config, &http).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".to_owned()))
        .add_scope(Scope::new("email".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    Ok(AuthorisationRequest {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// Exchanges the code the provider sent back for an ID token, checks it, and reads who it
/// vouches for.
pub async fn vouched(
    config: &SingleSignOn,
    code: &str,
    nonce: &str,
    pkce_verifier: &str,
) -> Result<Vouched, SingleSignOnError> {
    let http = http_client()?;
    let client = client(config, &http).await?;
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|error| failed("the token endpoint")(error.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
        .request_async(&http)
        .await
        .map_err(|error| failed("exchanging the code")(error.to_string()))?;
    let id_token = response
        .id_token()
        .ok_or_else(|| SingleSignOnError("the provider sent no ID token".to_owned()))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_owned()))
        .map_err(|error| failed("checking the ID token")(error.to_string()))?;
    let subject = claims.subject().as_str().to_owned();
    let username = claims
        .preferred_username()
        .map(|name| name.as_str().to_owned())
        .or_else(|| claims.email().map(|email| email.as_str().to_owned()))
        .unwrap_or_else(|| subject.clone());
    let name = claims
        .name()
        .and_then(|name| name.get(None))
        .map_or_else(|| username.clone(), |name| name.as_str().to_owned());
    // The token's signature is checked above; its other claims are read from its payload.
    let compact = serde_json::to_value(id_token)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    Ok(Vouched {
        subject,
        username,
        name,
        roles: claim_values(&compact, &config.role_claim),
    })
}

/// The values of a claim in a JWT's payload: a list of strings, or one string.
pub fn claim_values(compact_jwt: &str, claim: &str) -> Vec<String> {
    let payload = compact_jwt
        .split('.')
        .nth(1)
        .and_then(|part| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    match payload.as_ref().and_then(|payload| payload.get(claim)) {
        Some(serde_json::Value::Array(values)) => values
            .iter()
            .filter_map(|value| value.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::String(value)) => vec![value.clone()],
        _ => Vec::new(),
    }
}

/// Why the provider's roles give no Stride role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRole {
    None,
    MoreThanOne,
}

/// The Stride role the provider's role values name: a role's code (`data-manager`), as is or
/// after `stride.` (`Stride.data-manager`, as Entra ID's app roles are often written). Other
/// values are the provider's own business and are passed over; two Stride roles are refused
/// rather than one chosen, since which to choose is a decision for the LA, not for Stride.
pub fn role_from(values: &[String]) -> Result<Role, NoRole> {
    let mut roles: Vec<Role> = Vec::new();
    for value in values {
        let lower = value.to_lowercase();
        let code = lower.strip_prefix("stride.").unwrap_or(&lower);
        if let Ok(role) = Role::from_code(code)
            && !roles.contains(&role)
        {
            roles.push(role);
        }
    }
    match roles.as_slice() {
        [role] => Ok(*role),
        [] => Err(NoRole::None),
        _ => Err(NoRole::MoreThanOne),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        format!("{}.{}.signature", encode(r#"{"alg":"RS256"}"#), encode(payload))
    }

    #[test]
    fn a_claim_is_read_as_a_list_or_a_single_value() {
        let token = jwt(r#"{"sub":"1","roles":["Stride.data-manager","Finance.Reader"],"group":"adviser"}"#);
        assert_eq!(claim_values(&token, "roles"), ["Stride.data-manager", "Finance.Reader"]);
        assert_eq!(claim_values(&token, "group"), ["adviser"]);
        assert!(claim_values(&token, "missing").is_empty());
        assert!(claim_values("not a token", "roles").is_empty());
    }

    #[test]
    fn one_stride_role_is_taken_and_none_or_two_refused() {
        let values = |list: &[&str]| list.iter().map(|value| (*value).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            role_from(&values(&["Stride.Data-Manager", "Finance.Reader"])),
            Ok(Role::DataManager)
        );
        assert_eq!(role_from(&values(&["adviser"])), Ok(Role::Adviser));
        assert_eq!(role_from(&values(&["Finance.Reader"])), Err(NoRole::None));
        assert_eq!(role_from(&[]), Err(NoRole::None));
        assert_eq!(
            role_from(&values(&["adviser", "stride.administrator"])),
            Err(NoRole::MoreThanOne)
        );
    }
}
