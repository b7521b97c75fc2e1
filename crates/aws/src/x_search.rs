//! The X API v2 recent-search client: the adapter of the [`SearchApi`] port. Not an AWS
//! service, but an adapter like the others: it owns the HTTP client and turns the
//! API's answers into the port's outcomes (a page, a rate limit with its reset, a
//! refused token, a transient failure). It speaks HTTP/1 through hyper with the rustls
//! and aws-lc stack the AWS SDK already links, so the Lambda carries one TLS stack.
//!
//! The bearer token goes in the `Authorization` header and nowhere else: it has no
//! `Display`, its `Debug` is redacted, and no error message is built from a request.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tweetboard_core::error::{bounded_reason, preview};
use tweetboard_core::poll::{SearchApi, SearchError, SearchRequest};

/// The public API; `X_API_BASE_URL` points tests and `make run` at a local stand-in.
pub const DEFAULT_BASE_URL: &str = "https://api.x.com";
pub const SEARCH_PATH: &str = "/2/tweets/search/recent";
/// What the consumer uses of a tweet and its author, asked for explicitly (v2 returns
/// only `id` and `text` by default).
pub const TWEET_FIELDS: &str = "created_at,public_metrics,source,author_id,lang,entities";
pub const EXPANSIONS: &str = "author_id";
pub const USER_FIELDS: &str = "username,name,profile_image_url,public_metrics";
/// A page of 100 tweets with their authors is a few hundred KB; more is not a page.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The X API bearer token. Never printed: `Debug` shows only that it is there.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    fn header_value(&self) -> Result<hyper::header::HeaderValue, SearchError> {
        let mut value =
            hyper::header::HeaderValue::from_str(&format!("Bearer {}", self.0)).map_err(|_| {
                SearchError::Rejected {
                    status: 0,
                    message: "the bearer token is not a valid header value".into(),
                }
            })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum XClientError {
    #[error("cannot load the system's root certificates for TLS: {0}")]
    RootCertificates(#[source] std::io::Error),
}

/// The recent-search client, built once per cold start.
#[derive(Clone)]
pub struct XSearchClient {
    http: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    base_url: String,
    token: BearerToken,
    timeout: Duration,
}

impl fmt::Debug for XSearchClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XSearchClient")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .finish()
    }
}

impl XSearchClient {
    /// `base_url` without a trailing slash (`https://api.x.com`); `timeout` bounds each
    /// request, its body included.
    pub fn new(base_url: &str, token: BearerToken, timeout: Duration) -> Result<Self, XClientError> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(XClientError::RootCertificates)?
            // Plain http only for a local stand-in; the public API is https.
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            http: Client::builder(TokioExecutor::new()).build(https),
            base_url: base_url.trim_end_matches('/').to_owned(),
            token,
            timeout,
        })
    }

    /// The request's URL: the query and every field list, percent-encoded.
    pub fn url(&self, request: &SearchRequest) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("query", &request.query)
            .append_pair("max_results", &request.max_results.to_string())
            .append_pair("tweet.fields", TWEET_FIELDS)
            .append_pair("expansions", EXPANSIONS)
            .append_pair("user.fields", USER_FIELDS);
        if let Some(since) = &request.since_id {
            query.append_pair("since_id", since.as_str());
        }
        if let Some(until) = &request.until_id {
            query.append_pair("until_id", until.as_str());
        }
        if let Some(token) = &request.next_token {
            query.append_pair("next_token", token);
        }
        // form_urlencoded writes spaces as `+`, which the API reads as a space too; %20
        // is what its documentation shows.
        format!(
            "{}{SEARCH_PATH}?{}",
            self.base_url,
            query.finish().replace('+', "%20")
        )
    }

    async fn send(&self, request: &SearchRequest) -> Result<Vec<u8>, SearchError> {
        let http_request = hyper::Request::get(self.url(request))
            .header(hyper::header::AUTHORIZATION, self.token.header_value()?)
            .header(hyper::header::USER_AGENT, "tweetboard")
            .body(Empty::new())
            .map_err(|e| SearchError::Rejected {
                status: 0,
                message: format!("cannot build the request: {e}"),
            })?;
        let response = self
            .http
            .request(http_request)
            .await
            .map_err(|e| SearchError::Unavailable(format!("request failed: {e}")))?;
        let status = response.status().as_u16();
        let reset_at = response
            .headers()
            .get("x-rate-limit-reset")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
            .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0));
        let body = Limited::new(response.into_body(), MAX_BODY_BYTES)
            .collect()
            .await
            .map_err(|e| SearchError::Unavailable(format!("reading the response failed: {e}")))?
            .to_bytes();
        match status {
            200 => Ok(body.to_vec()),
            429 => Err(SearchError::RateLimited { reset_at }),
            401 | 403 => Err(SearchError::Unauthorized { status }),
            500..=599 => Err(SearchError::Unavailable(format!("HTTP {status}"))),
            _ => Err(SearchError::Rejected {
                status,
                message: bounded_reason(preview(&String::from_utf8_lossy(&body), 300)),
            }),
        }
    }
}

#[async_trait]
impl SearchApi for XSearchClient {
    async fn search(&self, request: &SearchRequest) -> Result<Vec<u8>, SearchError> {
        match tokio::time::timeout(self.timeout, self.send(request)).await {
            Ok(result) => result,
            Err(_) => Err(SearchError::Unavailable(format!(
                "no complete answer within {:?}",
                self.timeout
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tweetboard_core::poll::SinceId;

    #[test]
    fn the_url_carries_the_query_fields_and_paging_encoded() {
        let client = XSearchClient::new(
            "http://127.0.0.1:1/",
            BearerToken::new("t"),
            Duration::from_secs(1),
        )
        .unwrap();
        let url = client.url(&SearchRequest {
            query: "#aws -is:retweet".into(),
            since_id: Some(SinceId::parse("18446744073709551615").unwrap()),
            until_id: Some(SinceId::parse("18446744073709551700").unwrap()),
            next_token: Some("b26v89c19zqg8o3f".into()),
            max_results: 100,
        });
        assert_eq!(
            url,
            "http://127.0.0.1:1/2/tweets/search/recent?query=%23aws%20-is%3Aretweet&max_results=100\
             &tweet.fields=created_at%2Cpublic_metrics%2Csource%2Cauthor_id%2Clang%2Centities\
             &expansions=author_id&user.fields=username%2Cname%2Cprofile_image_url%2Cpublic_metrics\
             &since_id=18446744073709551615&until_id=18446744073709551700&next_token=b26v89c19zqg8o3f"
        );
    }

    #[test]
    fn the_token_is_never_shown() {
        let token = BearerToken::new("AAAAsecret");
        let client = XSearchClient::new("http://x", token.clone(), Duration::from_secs(1)).unwrap();
        assert!(!format!("{token:?} {client:?}").contains("AAAAsecret"));
    }
}
