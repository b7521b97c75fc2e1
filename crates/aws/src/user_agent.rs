//! The SDK's `User-Agent` and `x-amz-user-agent` headers, formatted once per client
//! instead of once per request.
//!
//! The SDK's `UserAgentInterceptor` clones its `AwsUserAgent`, adds the request's business
//! metrics through a `HashSet` and formats the same ~200-byte string twice, on every
//! request: about 23,000 instructions a `PutItem`, 3.7% of a new record in the consumer
//! (BENCHMARKS.md, "Ninth round"). The SDK has no setting for it, so [`CachedUserAgent`]
//! takes its place on a client: it runs the SDK's interceptor itself whenever the inputs
//! of the header differ from the last request's, and otherwise appends the two values it
//! kept. The headers sent are the SDK's, byte for byte (`tests::the_headers_are_the_sdks`).

use std::sync::Mutex;

use aws_credential_types::credential_feature::AwsCredentialFeature;
use aws_runtime::sdk_feature::AwsSdkFeature;
use aws_runtime::user_agent::{AwsUserAgent, UserAgentInterceptor};
use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
    BeforeTransmitInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime::client::sdk_feature::SmithySdkFeature;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::HttpClient;
use aws_smithy_runtime_api::client::interceptors::disable_interceptor;
use aws_types::app_name::AppName;
use aws_types::sdk_ua_metadata::FrameworkMetadata;

const USER_AGENT: &str = "user-agent";
const X_AMZ_USER_AGENT: &str = "x-amz-user-agent";

/// Everything of a request that the SDK's interceptor (aws-runtime 1.10) puts into the
/// header beyond what is fixed for a client: the features the request used (its
/// business metrics), the HTTP connector, the app name and framework metadata. The
/// rest is fixed for a client (the service's `ApiMetadata`, the SDK's build) or for a
/// process (`AWS_EXECUTION_ENV`, which the SDK reads from the environment).
#[derive(Debug, PartialEq)]
struct Inputs {
    smithy: Vec<SmithySdkFeature>,
    aws: Vec<AwsSdkFeature>,
    credentials: Vec<AwsCredentialFeature>,
    connector: Option<ConnectorMetadata>,
    app_name: Option<AppName>,
    frameworks: Vec<FrameworkMetadata>,
}

impl Inputs {
    fn of(cfg: &ConfigBag, connector: Option<ConnectorMetadata>) -> Self {
        Self {
            smithy: cfg.load::<SmithySdkFeature>().cloned().collect(),
            aws: cfg.load::<AwsSdkFeature>().cloned().collect(),
            credentials: cfg.load::<AwsCredentialFeature>().cloned().collect(),
            connector,
            app_name: cfg.load::<AppName>().cloned(),
            frameworks: cfg.load::<FrameworkMetadata>().cloned().collect(),
        }
    }

    /// Whether a request with `cfg` would get the same header, without allocating.
    fn matches(&self, cfg: &ConfigBag, connector: &Option<ConnectorMetadata>) -> bool {
        self.smithy.iter().eq(cfg.load::<SmithySdkFeature>())
            && self.aws.iter().eq(cfg.load::<AwsSdkFeature>())
            && self.credentials.iter().eq(cfg.load::<AwsCredentialFeature>())
            && &self.connector == connector
            && self.app_name.as_ref() == cfg.load::<AppName>()
            && self.frameworks.iter().eq(cfg.load::<FrameworkMetadata>())
    }
}

#[derive(Debug)]
struct Kept {
    inputs: Inputs,
    user_agent: String,
    x_amz_user_agent: String,
}

/// The SDK's user-agent interceptor with its last headers kept (module header). Add it
/// to one client's configuration (`.interceptor(CachedUserAgent::default())`); it turns
/// the SDK's own off for that client's requests.
#[derive(Debug, Default)]
pub struct CachedUserAgent {
    sdk: UserAgentInterceptor,
    kept: Mutex<Option<Kept>>,
}

impl Intercept for CachedUserAgent {
    fn name(&self) -> &'static str {
        "CachedUserAgent"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The SDK's interceptor is checked for each hook against this request's bag, so
        // from here on it stays silent: this one sends the same headers instead.
        cfg.interceptor_state()
            .store_put(disable_interceptor::<UserAgentInterceptor>(
                "CachedUserAgent sends its headers",
            ));
        Ok(())
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<AwsUserAgent>().is_some() {
            // An earlier interceptor chose the user agent (the SDK's tests do): the SDK's
            // interceptor honours it, and so does this one, without keeping anything.
            return self.sdk.modify_before_signing(context, runtime_components, cfg);
        }
        let connector = runtime_components
            .http_client()
            .and_then(|c| c.connector_metadata());
        {
            let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(kept) = kept.as_ref().filter(|k| k.inputs.matches(cfg, &connector)) {
                let headers = context.request_mut().headers_mut();
                headers.append(USER_AGENT, kept.user_agent.clone());
                headers.append(X_AMZ_USER_AGENT, kept.x_amz_user_agent.clone());
                return Ok(());
            }
        }
        // First request, or one whose header differs: the SDK's interceptor writes it,
        // its two hooks run back to back (the first puts the request's `AwsUserAgent`,
        // read from the environment and the bag, where the second looks for it).
        let before_transmit = BeforeTransmitInterceptorContextRef::from(context.inner());
        self.sdk
            .read_after_serialization(&before_transmit, runtime_components, cfg)?;
        self.sdk.modify_before_signing(context, runtime_components, cfg)?;
        let headers = context.request().headers();
        let (Some(user_agent), Some(x_amz_user_agent)) = (
            headers.get_all(USER_AGENT).last(),
            headers.get_all(X_AMZ_USER_AGENT).last(),
        ) else {
            return Ok(());
        };
        let kept = Kept {
            inputs: Inputs::of(cfg, connector),
            user_agent: user_agent.to_owned(),
            x_amz_user_agent: x_amz_user_agent.to_owned(),
        };
        *self.kept.lock().unwrap_or_else(|e| e.into_inner()) = Some(kept);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
