//! The X API bearer token from Secrets Manager, read once per cold start.

use crate::x_search::BearerToken;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The SDK's error names the call and the service's code, never the secret's value.
    #[error("cannot read the secret {arn}: {message}")]
    Read { arn: String, message: String },
    #[error("the secret {arn} has no SecretString (a binary secret is not a bearer token)")]
    NotAString { arn: String },
    #[error("the secret {arn} is empty")]
    Empty { arn: String },
}

/// The token `source` names: as given, or read from Secrets Manager.
pub async fn resolve(
    sdk: &aws_config::SdkConfig,
    source: &crate::config::TokenSource,
) -> Result<BearerToken, SecretError> {
    match source {
        crate::config::TokenSource::Plain(token) => Ok(token.clone()),
        crate::config::TokenSource::Secret { arn } => {
            bearer_token(&aws_sdk_secretsmanager::Client::new(sdk), arn).await
        }
    }
}

/// The JSON keys a secret object may hold the token under (a plain-text secret is the
/// token itself).
const TOKEN_KEYS: [&str; 3] = ["bearer_token", "X_BEARER_TOKEN", "BearerToken"];

pub async fn bearer_token(
    client: &aws_sdk_secretsmanager::Client,
    arn: &str,
) -> Result<BearerToken, SecretError> {
    let out = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| SecretError::Read {
            arn: arn.to_owned(),
            message: aws_sdk_secretsmanager::error::DisplayErrorContext(&e).to_string(),
        })?;
    let text = out
        .secret_string()
        .ok_or_else(|| SecretError::NotAString { arn: arn.to_owned() })?;
    token_from_secret_string(text).ok_or_else(|| SecretError::Empty { arn: arn.to_owned() })
}

/// The token in a secret's string: the whole (trimmed) string, or the value of one of
/// [`TOKEN_KEYS`] when the secret is a JSON object, as the console's key/value form
/// stores it.
pub fn token_from_secret_string(text: &str) -> Option<BearerToken> {
    let token = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
        Ok(object) => TOKEN_KEYS
            .iter()
            .find_map(|k| object.get(*k).and_then(|v| v.as_str()))?
            .trim()
            .to_owned(),
        Err(_) => text.trim().to_owned(),
    };
    (!token.is_empty()).then(|| BearerToken::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_the_token_or_a_json_object_holding_it() {
        assert_eq!(token_from_secret_string(" abc\n"), Some(BearerToken::new("abc")));
        assert_eq!(
            token_from_secret_string(r#"{"bearer_token": "abc"}"#),
            Some(BearerToken::new("abc"))
        );
        assert_eq!(token_from_secret_string(r#"{"other": "abc"}"#), None);
        assert_eq!(token_from_secret_string("  "), None);
    }
}
