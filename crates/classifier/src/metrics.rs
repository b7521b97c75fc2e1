//! Binary classification metrics, with label 1 (junk) as the positive class, as Amazon
//! ML reports them.

/// Held-out or evaluation metrics.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    pub examples: usize,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub roc_auc: f64,
}

impl Metrics {
    /// From (score for label 1, true label is 1) pairs and a threshold.
    pub fn compute(scored: &[(f64, bool)], threshold: f64) -> Self {
        let (mut tp, mut fp, mut tn, mut fneg) = (0usize, 0usize, 0usize, 0usize);
        for &(score, positive) in scored {
            match (score > threshold, positive) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, false) => tn += 1,
                (false, true) => fneg += 1,
            }
        }
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fneg);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Self {
            examples: scored.len(),
            accuracy: ratio(tp + tn, scored.len()),
            precision,
            recall,
            f1,
            roc_auc: roc_auc(scored),
        }
    }

    /// One line per metric, for the CLI.
    pub fn report(&self) -> String {
        format!(
            "examples   {}\naccuracy   {:.4}\nprecision  {:.4}\nrecall     {:.4}\nf1         {:.4}\nroc_auc    {:.4}",
            self.examples, self.accuracy, self.precision, self.recall, self.f1, self.roc_auc
        )
    }
}

/// The probability that a random positive scores above a random negative (ties count
/// half): the Mann-Whitney form of the area under the ROC curve.
pub fn roc_auc(scored: &[(f64, bool)]) -> f64 {
    let mut sorted: Vec<(f64, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = sorted.iter().filter(|s| s.1).count();
    let negatives = sorted.len() - positives;
    if positives == 0 || negatives == 0 {
        return 0.5;
    }
    // Average ranks over ties, then sum the positives' ranks.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1].0 == sorted[i].0 {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += avg_rank * sorted[i..=j].iter().filter(|s| s.1).count() as f64;
        i = j + 1;
    }
    (rank_sum - (positives * (positives + 1)) as f64 / 2.0) / (positives * negatives) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_of_a_known_confusion_matrix() {
        // 2 TP, 1 FP, 1 FN, 1 TN
        let scored = [(0.9, true), (0.8, true), (0.7, false), (0.2, true), (0.1, false)];
        let m = Metrics::compute(&scored, 0.5);
        assert_eq!(m.accuracy, 0.6);
        assert!((m.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.recall - 2.0 / 3.0).abs() < 1e-12);
        // Positives outrank negatives in 5 of 6 pairs (only 0.2 < 0.7 is out of order).
        assert!((m.roc_auc - 5.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn auc_extremes_and_ties() {
        assert_eq!(roc_auc(&[(0.9, true), (0.1, false)]), 1.0);
        assert_eq!(roc_auc(&[(0.1, true), (0.9, false)]), 0.0);
        assert_eq!(roc_auc(&[(0.5, true), (0.5, false)]), 0.5);
    }
}
