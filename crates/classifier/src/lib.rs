//! Classifiers that implement the domain's [`Classifier`] port.
//!
//! [`RuleBaseline`] is a transparent, hand-weighted baseline used until the trained
//! logistic-regression model (the issue "The classifier") replaces it as the default.
//! It follows Amazon ML's semantics like every classifier here: a score for label "1"
//! (junk), a threshold, and a percent confidence.
//!
//! [`Classifier`]: tweetboard_core::ports::Classifier

mod baseline;

pub use baseline::RuleBaseline;
