//! The start of every Lambda binary, written once: logging, the binary's configuration
//! and the AWS clients, with whatever is wrong logged as one `invalid_configuration`
//! event before the function exits (Lambda then reports an init error).

use crate::config::ConfigError;
use crate::{telemetry, AwsClients};

/// Sets up logging, reads the binary's configuration with `config`, and loads the AWS
/// clients once per cold start.
pub async fn lambda_start<C>(
    config: impl FnOnce() -> Result<C, ConfigError>,
) -> Result<(C, AwsClients), ConfigError> {
    telemetry::init();
    let loaded = match config() {
        Ok(config) => AwsClients::load().await.map(|aws| (config, aws)),
        Err(e) => Err(e),
    };
    loaded.inspect_err(
        |e| tracing::error!(event = "invalid_configuration", error = %e, "invalid configuration"),
    )
}
