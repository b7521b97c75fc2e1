//! Server-side HTML. Tweet text, names and URLs are hostile input: every value goes
//! through [`escape`] (safe in element and quoted-attribute context), and an avatar is
//! only rendered from an http(s) URL.

use std::fmt::Write;

use tweetboard_core::board::{BoardTweet, Segment, StatsBucket};

/// Escapes `& < > " '` so a value is inert as element text and inside a quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An avatar URL worth rendering: http(s) only, so `javascript:` and `data:` never are.
pub fn safe_image_url(url: &str) -> Option<&str> {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(url.trim_start())
}

/// Truncated, not rounded, to one decimal: a 99.96% confidence reads 99.9%, never a
/// certainty the model did not claim.
fn display_confidence(probability: f64) -> f64 {
    (probability * 10.0).floor() / 10.0
}

/// `2026-11-26T10:00:00.000Z` → `2026-11-26 10:00 UTC`.
fn display_time(created_at: &str) -> String {
    match (created_at.get(..10), created_at.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t} UTC"),
        _ => created_at.to_owned(),
    }
}

pub struct PageView<'a> {
    pub showing_junk: bool,
    pub tweets: &'a [BoardTweet],
    pub stats: &'a [StatsBucket],
}

pub fn page(view: &PageView<'_>) -> String {
    let (title, other_label, other_href) = if view.showing_junk {
        ("Hidden junk", "Show on-topic tweets", "/")
    } else {
        ("On-topic tweets", "Show hidden junk", "/?show=OFF")
    };
    let prediction = if view.showing_junk { "OFF" } else { "ON" };
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tweetboard: {title}</title>
<link rel="stylesheet" href="/static/board.css">
<script src="/static/board.js" defer></script>
</head>
<body data-prediction="{prediction}">
<header>
<h1>tweetboard <span class="sub">#aws</span></h1>
<nav><strong>{title}</strong> · <a id="toggle" href="{other_href}">{other_label}</a></nav>
</header>
<main>
<section class="chart" aria-label="On-topic and junk tweets per hour">
<h2>Last 24 hours</h2>
{chart}
<p class="legend"><span class="key on"></span> on topic <span class="key off"></span> junk</p>
</section>
<ol id="tweets" class="tweets">
"#,
        chart = chart_svg(view.stats),
    );
    if view.tweets.is_empty() {
        h.push_str("<li class=\"empty\">No tweets yet.</li>\n");
    }
    for t in view.tweets {
        tweet_li(&mut h, t);
    }
    h.push_str("</ol>\n</main>\n<footer>Refreshes by itself every 15 seconds.</footer>\n</body>\n</html>\n");
    h
}

/// The text with its links: every piece escaped, every link http(s) (see
/// [`tweetboard_core::board::segments`]) and marked as user content.
fn text_html(t: &BoardTweet) -> String {
    if t.segments.is_empty() {
        return escape(&t.text);
    }
    let mut out = String::with_capacity(t.text.len() + 64);
    for s in &t.segments {
        match s {
            Segment::Text { text } => out.push_str(&escape(text)),
            Segment::Link { text, href } => {
                let _ = write!(
                    out,
                    r#"<a href="{}" rel="nofollow noopener ugc">{}</a>"#,
                    escape(href),
                    escape(text)
                );
            }
        }
    }
    out
}

fn tweet_li(h: &mut String, t: &BoardTweet) {
    // The initials sit under the image: when it is absent, or fails to load and the
    // script removes it, they show instead of a broken image.
    let image = match safe_image_url(&t.image_url) {
        Some(url) => format!(
            r#"<img src="{}" alt="" width="48" height="48" referrerpolicy="no-referrer" loading="lazy">"#,
            escape(url)
        ),
        None => String::new(),
    };
    let avatar = format!(
        r#"<span class="avatar" aria-hidden="true"><span class="initials">{}</span>{image}</span>"#,
        escape(&t.initials)
    );
    let retweeted = match &t.retweeted_by {
        Some(by) => format!(
            r#"<p class="rt">retweeted by <bdi class="name">{}</bdi> <bdi class="handle">@{}</bdi></p>"#,
            escape(&by.name),
            escape(&by.screen_name)
        ),
        None => String::new(),
    };
    let _ = writeln!(
        h,
        r#"<li class="tweet {class}" data-id="{id}">{avatar}<div class="body">{retweeted}<p class="who"><bdi class="name">{name}</bdi> <bdi class="handle">@{screen}</bdi></p><p class="text">{text}</p><p class="meta"><time datetime="{time_attr}">{time}</time> · <span class="confidence">{pred} {prob:.1}%</span></p></div></li>"#,
        class = if t.prediction == "OFF" { "off" } else { "on" },
        id = escape(&t.tweet_id),
        name = escape(&t.name),
        screen = escape(&t.screen_name),
        text = text_html(t),
        time_attr = escape(&t.created_at),
        time = escape(&display_time(&t.created_at)),
        pred = escape(&t.prediction),
        prob = display_confidence(t.probability),
    );
}

/// Bars of ON (up) and OFF (stacked on top) per hour, as inline SVG (no script).
pub fn chart_svg(stats: &[StatsBucket]) -> String {
    let (width, height, pad) = (720.0f64, 140.0f64, 18.0f64);
    let max = stats.iter().map(|b| b.on + b.off).max().unwrap_or(0).max(1) as f64;
    let slot = width / stats.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let mut s = format!(
        r#"<svg id="chart" viewBox="0 0 {width} {total}" role="img" aria-label="tweets per hour">"#,
        total = height + pad
    );
    for (i, b) in stats.iter().enumerate() {
        let x = i as f64 * slot + (slot - bar) / 2.0;
        let on_h = b.on as f64 / max * height;
        let off_h = b.off as f64 / max * height;
        let _ = write!(
            s,
            r##"<g><title>{start}: {on} on topic, {off} junk</title><rect x="{x:.1}" y="{y_on:.1}" width="{bar:.1}" height="{on_h:.1}" fill="#2e7d32"/><rect x="{x:.1}" y="{y_off:.1}" width="{bar:.1}" height="{off_h:.1}" fill="#b0b0b0"/></g>"##,
            start = escape(&b.start),
            on = b.on,
            off = b.off,
            y_on = height - on_h,
            y_off = height - on_h - off_h,
        );
        if i % 6 == 0 {
            let _ = write!(
                s,
                r##"<text x="{x:.1}" y="{ty}" font-size="11" fill="#555">{label}</text>"##,
                ty = height + pad - 4.0,
                label = escape(b.start.get(11..16).unwrap_or("")),
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tweet(text: &str, name: &str, image: &str) -> BoardTweet {
        BoardTweet {
            tweet_id: "1".into(),
            text: text.into(),
            name: name.into(),
            screen_name: "x\"><script>".into(),
            image_url: image.into(),
            prediction: "ON".into(),
            probability: 97.5,
            created_at: "2026-11-26T10:00:00.000Z".into(),
            followers: 0,
            retweets: 0,
            favourites: 0,
            model_id: "m".into(),
            retweeted_by: None,
            segments: Vec::new(),
            initials: String::new(),
        }
    }

    #[test]
    fn hostile_fields_are_inert() {
        let t = tweet(
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
        );
        let html = page(&PageView {
            showing_junk: false,
            tweets: &[t],
            stats: &[],
        });
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains("javascript:"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("@x&quot;&gt;&lt;script&gt;"));
    }

    #[test]
    fn confidence_is_truncated() {
        assert_eq!(display_confidence(99.957), 99.9);
        assert_eq!(display_confidence(50.0), 50.0);
    }

    #[test]
    fn only_http_avatars_render() {
        assert_eq!(
            safe_image_url("https://pbs.twimg.com/a.jpg"),
            Some("https://pbs.twimg.com/a.jpg")
        );
        assert_eq!(safe_image_url(" HTTP://x/a.png"), Some("HTTP://x/a.png"));
        for bad in [
            "javascript:alert(1)",
            "data:image/png;base64,xx",
            "//evil/a.png",
            "",
        ] {
            assert_eq!(safe_image_url(bad), None, "{bad}");
        }
        let t = tweet("hi", "n", "https://img/a.jpg\" onload=\"alert(1)");
        let html = page(&PageView {
            showing_junk: false,
            tweets: &[t],
            stats: &[],
        });
        assert!(html.contains("src=\"https://img/a.jpg&quot; onload=&quot;alert(1)\""));
    }
}
