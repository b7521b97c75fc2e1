//! The tweetboard model: an Amazon-ML-style binary classifier (logistic regression over
//! a recipe of hashed text n-grams, quantile-binned counts and spam signals), its
//! versioned artifact, training and evaluation, and the classifiers that implement the
//! domain's [`Classifier`](tweetboard_core::ports::Classifier) port.

pub mod dataset;
pub mod embedded;
pub mod metrics;
pub mod model;
pub mod prebuilt;
pub mod recipe;
pub mod record;
pub mod train;
pub mod training_set;

pub use embedded::EmbeddedClassifier;
pub use model::{Model, ModelError};
pub use record::{Record, RecordRef};
