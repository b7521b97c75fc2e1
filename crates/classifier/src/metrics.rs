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

    /// One line per metric, for the CLI. Precision, recall and F1 are of the class
    /// `OFF` (label 1, junk), as Amazon ML reports them; the lines say so.
    pub fn report(&self) -> String {
        format!(
            "examples   {}\naccuracy   {:.4}\nprecision  {:.4}  (of OFF: share of the tweets called OFF that are OFF)\n\
             recall     {:.4}  (of OFF: share of the OFF tweets hidden)\nf1         {:.4}  (of OFF)\nroc_auc    {:.4}",
            self.examples, self.accuracy, self.precision, self.recall, self.f1, self.roc_auc
        )
    }
}

/// Where a model's calls land on a labeled set: rows are the true label, columns the
/// call at the model's threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Confusion {
    pub on_called_on: usize,
    pub on_called_off: usize,
    pub off_called_on: usize,
    pub off_called_off: usize,
}

impl Confusion {
    fn add(&mut self, junk: bool, called_junk: bool) {
        match (junk, called_junk) {
            (false, false) => self.on_called_on += 1,
            (false, true) => self.on_called_off += 1,
            (true, false) => self.off_called_on += 1,
            (true, true) => self.off_called_off += 1,
        }
    }

    pub fn examples(&self) -> usize {
        self.on_called_on + self.on_called_off + self.off_called_on + self.off_called_off
    }

    pub fn correct(&self) -> usize {
        self.on_called_on + self.off_called_off
    }

    /// The share of the `ON` examples called `ON`: the AWS tweets the board shows. 0 when
    /// there are none.
    pub fn on_recall(&self) -> f64 {
        let on = self.on_called_on + self.on_called_off;
        if on == 0 {
            0.0
        } else {
            self.on_called_on as f64 / on as f64
        }
    }
}

/// The figures of one kind of example (a labeled file's `kind` column), or of a group
/// of kinds (the part of the kind before `/`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KindFigures {
    pub kind: String,
    pub examples: usize,
    pub accuracy: f64,
    pub confusion: Confusion,
}

/// An evaluation: the metrics, the confusion matrix, and accuracy per kind and per
/// group of kinds when the examples carry one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Recall of the class `ON` (the metrics' precision and recall are of `OFF`).
    pub on_recall: f64,
    pub confusion: Confusion,
    pub groups: Vec<KindFigures>,
    pub kinds: Vec<KindFigures>,
}

impl Evaluation {
    /// From (score for label 1, true label is 1, kind) triples and a threshold.
    pub fn compute(scored: &[(f64, bool, Option<&str>)], threshold: f64) -> Self {
        let pairs: Vec<(f64, bool)> = scored.iter().map(|&(s, junk, _)| (s, junk)).collect();
        let mut confusion = Confusion::default();
        let mut kinds: std::collections::BTreeMap<&str, Confusion> = Default::default();
        let mut groups: std::collections::BTreeMap<&str, Confusion> = Default::default();
        for &(score, junk, kind) in scored {
            let called_junk = score > threshold;
            confusion.add(junk, called_junk);
            if let Some(kind) = kind {
                kinds.entry(kind).or_default().add(junk, called_junk);
                // Only kinds written as `group/kind` make groups; a flat list needs none.
                if let Some((group, _)) = kind.split_once('/') {
                    groups.entry(group).or_default().add(junk, called_junk);
                }
            }
        }
        let figures = |m: std::collections::BTreeMap<&str, Confusion>| -> Vec<KindFigures> {
            m.into_iter()
                .map(|(kind, c)| KindFigures {
                    kind: kind.to_owned(),
                    examples: c.examples(),
                    accuracy: c.correct() as f64 / c.examples() as f64,
                    confusion: c,
                })
                .collect()
        };
        Self {
            metrics: Metrics::compute(&pairs, threshold),
            on_recall: confusion.on_recall(),
            confusion,
            groups: figures(groups),
            kinds: figures(kinds),
        }
    }

    /// The metrics, the confusion matrix, then the per-group and per-kind tables.
    pub fn report(&self) -> String {
        let c = &self.confusion;
        let mut out = self.metrics.report();
        let on = c.on_called_on + c.on_called_off;
        // A file with no AWS tweets has no ON recall: "0.0000 (0 of 0)" read as a failure.
        out += &if on == 0 {
            "\nON recall  n/a  (the file has no ON tweets)".to_owned()
        } else {
            format!(
                "\nON recall  {:.4}  (of ON: share of the ON tweets shown, {} of {})",
                self.on_recall, c.on_called_on, on
            )
        };
        out += "\n\nconfusion matrix   called ON  called OFF";
        out += &format!(
            "\n  actually ON    {:>11} {:>11}",
            c.on_called_on, c.on_called_off
        );
        out += &format!(
            "\n  actually OFF   {:>11} {:>11}",
            c.off_called_on, c.off_called_off
        );
        for (title, rows) in [("group", &self.groups), ("kind", &self.kinds)] {
            if rows.is_empty() {
                continue;
            }
            let width = rows
                .iter()
                .map(|r| r.kind.len())
                .max()
                .unwrap_or(0)
                .max(title.len());
            out += &format!("\n\n{title:<width$}  examples  accuracy  ON→OFF  OFF→ON");
            for r in rows {
                out += &format!(
                    "\n{:<width$}  {:>8}  {:>8.3}  {:>6}  {:>6}",
                    r.kind, r.examples, r.accuracy, r.confusion.on_called_off, r.confusion.off_called_on
                );
            }
        }
        out
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
    fn evaluation_counts_the_confusion_matrix_per_kind_and_group() {
        // GIVEN two AWS tweets (one called OFF), two ordinary tweets (one called ON) and an
        // example without a kind
        let scored = [
            (0.1, false, Some("aws/ops")),
            (0.9, false, Some("aws/cost")),
            (0.8, true, Some("ordinary/sports")),
            (0.3, true, Some("ordinary/sports")),
            (0.7, true, None),
        ];
        // WHEN evaluated at 0.5
        let e = Evaluation::compute(&scored, 0.5);
        // THEN the matrix has one of each mistake
        assert_eq!(
            e.confusion,
            Confusion {
                on_called_on: 1,
                on_called_off: 1,
                off_called_on: 1,
                off_called_off: 2,
            }
        );
        // AND each kind and group has its own figures, in name order
        let kinds: Vec<_> = e
            .kinds
            .iter()
            .map(|k| (k.kind.as_str(), k.examples, k.accuracy))
            .collect();
        assert_eq!(
            kinds,
            [
                ("aws/cost", 1, 0.0),
                ("aws/ops", 1, 1.0),
                ("ordinary/sports", 2, 0.5)
            ]
        );
        let groups: Vec<_> = e.groups.iter().map(|k| (k.kind.as_str(), k.examples)).collect();
        assert_eq!(groups, [("aws", 2), ("ordinary", 2)]);
        assert!(e.report().contains("actually OFF"), "{}", e.report());
        // AND the report says which class precision and recall are of, and gives ON's recall
        assert_eq!(e.on_recall, 0.5);
        let report = e.report();
        assert!(report.contains("recall     0.6667  (of OFF"), "{report}");
        assert!(report.contains("ON recall  0.5000  (of ON"), "{report}");
    }

    #[test]
    fn a_file_without_on_tweets_has_no_on_recall_in_the_report() {
        // GIVEN only ordinary tweets (an attacker's file of junk alone)
        let scored = [(0.9, true, Some("ordinary/a")), (0.2, true, Some("ordinary/b"))];
        // WHEN evaluated
        let report = Evaluation::compute(&scored, 0.5).report();
        // THEN ON recall is named as not applicable, not "0.0000 (0 of 0)"
        assert!(report.contains("ON recall  n/a"), "{report}");
        assert!(!report.contains("0 of 0"), "{report}");
    }

    #[test]
    fn auc_extremes_and_ties() {
        assert_eq!(roc_auc(&[(0.9, true), (0.1, false)]), 1.0);
        assert_eq!(roc_auc(&[(0.1, true), (0.9, false)]), 0.0);
        assert_eq!(roc_auc(&[(0.5, true), (0.5, false)]), 0.5);
    }
}
