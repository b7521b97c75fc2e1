use super::*;

#[test]
fn twitters_three_entities_are_decoded_once_and_nothing_else() {
    assert_eq!(unescape_twitter("AT&amp;T &lt;3 &gt;_&lt;"), "AT&T <3 >_<");
    assert_eq!(unescape_twitter("&amp;lt;script&amp;gt;"), "&lt;script&gt;");
    assert_eq!(
        unescape_twitter("&quot; &#39; &nbsp; & &am"),
        "&quot; &#39; &nbsp; & &am"
    );
    assert_eq!(unescape_twitter("no entities, é 🚀"), "no entities, é 🚀");
    assert_eq!(unescape_twitter("&amp;"), "&");
}

fn links(text: &str, urls: &[(String, String)]) -> Vec<(String, String)> {
    segments(text, urls)
        .into_iter()
        .filter_map(|s| match s {
            Segment::Link { text, href } => Some((text, href)),
            Segment::Text { .. } => None,
        })
        .collect()
}

#[test]
fn urls_hashtags_and_mentions_become_links_and_the_rest_stays_text() {
    let urls = vec![(
        "https://t.co/abc".to_owned(),
        "https://aws.amazon.com/lambda/".to_owned(),
    )];
    let text = "Read https://t.co/abc. #aws and #ünïcode by @jeff_barr, not a@b or #123 (http://x.io/a)";
    assert_eq!(
        links(text, &urls),
        [
            (
                "https://aws.amazon.com/lambda/".into(),
                "https://aws.amazon.com/lambda/".into()
            ),
            ("#aws".into(), "https://x.com/hashtag/aws".into()),
            (
                "#ünïcode".into(),
                "https://x.com/hashtag/%C3%BCn%C3%AFcode".into()
            ),
            ("@jeff_barr".into(), "https://x.com/jeff_barr".into()),
            ("http://x.io/a".into(), "http://x.io/a".into()),
        ]
    );
    // The text between the links is kept whole, in order.
    let joined: String = segments(text, &urls)
        .into_iter()
        .map(|s| match s {
            Segment::Text { text } | Segment::Link { text, .. } => text,
        })
        .collect();
    assert_eq!(
        joined,
        text.replace("https://t.co/abc", "https://aws.amazon.com/lambda/")
    );
}

#[test]
fn only_http_links_are_made() {
    let urls = vec![("https://t.co/x".to_owned(), "javascript:alert(1)".to_owned())];
    assert_eq!(
        links("javascript:alert(1) https://t.co/x data:text/html,x", &urls),
        [("https://t.co/x".into(), "https://t.co/x".into())]
    );
    assert!(links("https:// nothing", &[]).is_empty());
}

#[test]
fn initials_come_from_the_name_or_the_handle() {
    assert_eq!(initials("Jeff Barr", "jeffbarr"), "JB");
    assert_eq!(initials("\u{202e}éva de la Cruz", "x"), "ÉD");
    assert_eq!(initials("", "_aws"), "A");
    assert_eq!(initials("🚀", ""), "?");
}

#[test]
fn long_text_is_shown_cut_with_an_ellipsis() {
    assert_eq!(shown_text("short".into()), "short");
    let long = "é".repeat(MAX_SHOWN_TEXT_CHARS + 10);
    let shown = shown_text(long);
    assert_eq!(shown.chars().count(), MAX_SHOWN_TEXT_CHARS + 1);
    assert!(shown.ends_with('…'));
    assert_eq!(
        shown_text("x".repeat(MAX_SHOWN_TEXT_CHARS)).len(),
        MAX_SHOWN_TEXT_CHARS
    );
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn counts_fall_in_the_hour_they_were_created_in_up_to_the_hour_of_now() {
    // GIVEN three hours of buckets ending in the current hour
    let mut counts = HourlyCounts::new(3, at("2026-11-26T10:42:00Z"));

    // WHEN tweets of each hour, of before, and an unreadable time are added
    counts.add(Prediction::On, "2026-11-26T08:00:00Z");
    counts.add(Prediction::Off, "2026-11-26T09:59:59.999Z");
    counts.add(Prediction::On, "2026-11-26T10:41:00+00:00");
    counts.add(Prediction::On, "2026-11-26T11:30:00+01:00");
    counts.add(Prediction::On, "2026-11-26T07:59:59Z");
    counts.add(Prediction::On, "yesterday");

    // THEN each is in its hour, and only those in the window count
    let b = counts.into_buckets();
    let starts: Vec<&str> = b.iter().map(|b| b.start.as_str()).collect();
    assert_eq!(
        starts,
        [
            "2026-11-26T08:00:00Z",
            "2026-11-26T09:00:00Z",
            "2026-11-26T10:00:00Z"
        ]
    );
    let pairs: Vec<(u64, u64)> = b.iter().map(|b| (b.on, b.off)).collect();
    assert_eq!(pairs, [(1, 0), (0, 1), (2, 0)]);
}

#[test]
fn stored_hour_counts_fall_in_their_bucket_and_outside_ones_are_left_out() {
    let mut counts = HourlyCounts::new(3, at("2026-11-26T10:42:00Z"));

    counts.add_hour("2026-11-26T08", 2, 1);
    counts.add_hour("2026-11-26T10", 5, 0);
    counts.add_hour("2026-11-26T07", 9, 9);
    counts.add_hour("2026-11-26T11", 9, 9);
    counts.add_hour("garbage", 9, 9);

    let pairs: Vec<(u64, u64)> = counts.into_buckets().iter().map(|b| (b.on, b.off)).collect();
    assert_eq!(pairs, [(2, 1), (0, 0), (5, 0)]);
}
