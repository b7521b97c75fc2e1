use chrono::{Datelike, NaiveDate};

use super::*;

#[test]
fn v1_time_fast_path_agrees_with_the_general_parse() {
    // GIVEN v1.1 times, well formed or not; WHEN read by the fast path and by
    // chrono's format parse; THEN both give the same answer wherever the fast path
    // gives one, and it does for Twitter's own spelling.
    let general = |raw: &str| {
        DateTime::parse_from_str(raw, "%a %b %d %H:%M:%S %z %Y")
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    for raw in [
        "Wed Oct 10 20:19:24 +0000 2018",
        "Mon Jan 01 00:00:00 +0000 2024",
        "Thu Feb 29 23:59:59 +0000 2024",
        "Sat Dec 31 12:00:00 +0000 2022",
        "Thu Oct 10 20:19:24 +0000 2018", // wrong weekday
        "Wed Feb 30 20:19:24 +0000 2018", // no such day
        "Wed Oct 10 24:00:00 +0000 2018",
        "Wed Oct 10 20:60:24 +0000 2018",
        "Wed Oct 10 23:59:60 +0000 2018",
        "Wed Oct 10 20:19:24 +0100 2018",
        "wed oct 10 20:19:24 +0000 2018",
        "Wed Oct 1a 20:19:24 +0000 2018",
        "Wed Oct 10 20:19:24 +0000 20180",
        "Wed Oct  9 20:19:24 +0000 2018",
    ] {
        if let Some(fast) = v1_time_utc(raw) {
            assert_eq!(fast, general(raw), "{raw}");
        }
        assert_eq!(normalise_time(raw), general(raw).map(format_time), "{raw}");
    }
    assert!(v1_time_utc("Wed Oct 10 20:19:24 +0000 2018").is_some_and(|t| t.is_some()));
    // A wrong weekday is decided by the fast path (chrono's refusal was the costly
    // part of the bench tweet's date): every day of four years (a leap year among
    // them, and the years 0001 and 9999 at the ends of `%Y`'s four digits) under
    // each of the seven names, at the edges of the day
    let days = [1, 2024, 2026, 9999].into_iter().flat_map(|year| {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        first.iter_days().take_while(move |d| d.year() == year)
    });
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut decided_wrong = 0;
    for day in days {
        for name in names {
            for time in ["00:00:00", "23:59:59"] {
                let raw = format!(
                    "{name} {} +0000 {}",
                    day.format(&format!("%b %d {time}")),
                    day.format("%Y")
                );
                let fast = v1_time_utc(&raw);
                assert_eq!(fast, Some(general(&raw)), "{raw}");
                assert_eq!(normalise_time(&raw), general(&raw).map(format_time), "{raw}");
                decided_wrong += usize::from(fast == Some(None));
            }
        }
    }
    assert!(decided_wrong > 4 * 365 * 6 * 2, "{decided_wrong}");
}

#[test]
fn v1_tweet_with_all_fields() {
    let json = br#"{"id": 1850000000000000001, "id_str": "1850000000000000001",
        "text": "New #aws Lambda feature \u00e9 \ud83d\ude80", "retweet_count": 3, "favorite_count": 9,
        "source": "<a href=\"https://x\">Web</a>", "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "user": {"name": "Ann", "screen_name": "ann", "followers_count": 10, "friends_count": 11,
                 "listed_count": 12, "statuses_count": 13, "profile_image_url_https": "https://img/a.png"}}"#;
    let t = decode_tweet(json).unwrap();
    assert_eq!(t.id().as_str(), "1850000000000000001");
    assert_eq!(t.text, "New #aws Lambda feature é 🚀");
    assert_eq!((t.followers, t.friends, t.listed, t.statuses), (10, 11, 12, 13));
    assert_eq!((t.retweets, t.favourites), (3, 9));
    assert_eq!(t.created_at.as_deref(), Some("2018-10-10T20:19:24.000Z"));
    assert_eq!(t.image_url, "https://img/a.png");
}

#[test]
fn id_str_wins_over_a_rounded_numeric_id() {
    let json = br#"{"id": 1.85e18, "id_str": "1850000000000000001", "text": "x"}"#;
    assert_eq!(decode_tweet(json).unwrap().id().as_str(), "1850000000000000001");
}

#[test]
fn float_id_without_id_str_is_refused() {
    let err = decode_tweet(br#"{"id": 1.85e18, "text": "x"}"#).unwrap_err();
    assert!(matches!(err, DecodeError::InvalidId(_)), "{err:?}");
}

#[test]
fn full_text_preferred() {
    let json = br#"{"id_str": "5", "text": "short...", "extended_tweet": {"full_text": "the long one"}}"#;
    assert_eq!(decode_tweet(json).unwrap().text, "the long one");
}

#[test]
fn v2_envelope_joins_author() {
    let json = br#"{"data": {"id": "1850000000000000002", "text": "hi #aws", "author_id": "42",
          "created_at": "2024-05-01T10:00:00.000Z", "public_metrics": {"retweet_count": 1, "like_count": 2}},
        "includes": {"users": [{"id": "41", "username": "other"},
          {"id": "42", "name": "Bo", "username": "bo", "profile_image_url": "https://i/b.png",
           "public_metrics": {"followers_count": 5, "following_count": 6, "tweet_count": 7, "listed_count": 8}}]}}"#;
    let t = decode_tweet(json).unwrap();
    assert_eq!(t.id().as_str(), "1850000000000000002");
    assert_eq!((t.name.as_str(), t.screen_name.as_str()), ("Bo", "bo"));
    assert_eq!((t.followers, t.friends, t.statuses, t.listed), (5, 6, 7, 8));
    assert_eq!((t.retweets, t.favourites), (1, 2));
    assert_eq!(t.created_at.as_deref(), Some("2024-05-01T10:00:00.000Z"));
}

#[test]
fn the_v1_and_v2_forms_of_one_tweet_hash_alike() {
    // GIVEN one tweet as the v1.1 API and as the v2 API return it
    let v1 = br#"{"id": 1850000000000000002, "id_str": "1850000000000000002", "text": "hi #aws",
        "created_at": "Wed May 01 10:00:00 +0000 2024", "retweet_count": 1, "favorite_count": 2,
        "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
        "user": {"id_str": "42", "name": "Bo", "screen_name": "bo", "followers_count": 5, "friends_count": 6,
                 "statuses_count": 7, "listed_count": 8, "profile_image_url_https": "https://i/b.png"}}"#;
    let v2 = br#"{"data": {"id": "1850000000000000002", "text": "hi #aws", "author_id": "42",
          "source": "Twitter Web App", "created_at": "2024-05-01T10:00:00.000Z",
          "public_metrics": {"retweet_count": 1, "like_count": 2, "reply_count": 0}},
        "includes": {"users": [{"id": "42", "name": "Bo", "username": "bo", "profile_image_url": "https://i/b.png",
           "public_metrics": {"followers_count": 5, "following_count": 6, "tweet_count": 7, "listed_count": 8}}]}}"#;
    // THEN they hash alike, so a redelivery in the other form is no conflict
    let (a, b) = (decode_tweet(v1).unwrap(), decode_tweet(v2).unwrap());
    assert_eq!(a.content_hash(), b.content_hash());
}

#[test]
fn permanent_failures_are_classified() {
    assert!(matches!(
        decode_tweet(b"not json").unwrap_err(),
        DecodeError::NotJson(_)
    ));
    assert!(matches!(
        decode_tweet(&[0xff, 0xfe]).unwrap_err(),
        DecodeError::NotJson(_)
    ));
    assert!(matches!(
        decode_tweet(b"[1,2]").unwrap_err(),
        DecodeError::NotATweet(_)
    ));
    assert!(matches!(
        decode_tweet(br#"{"text": "no id"}"#).unwrap_err(),
        DecodeError::InvalidId(_)
    ));
    assert!(matches!(
        decode_tweet(br#"{"id_str": "12"}"#).unwrap_err(),
        DecodeError::MissingText
    ));
    assert!(matches!(
        decode_tweet(br#"{"data": [{"id": "1"}]}"#).unwrap_err(),
        DecodeError::NotATweet(_)
    ));
    assert!(matches!(
        decode_tweet(br#"{"id_str": "12", "text": "x", "retweet_count": -1}"#).unwrap_err(),
        DecodeError::NotATweet(_)
    ));
}

#[test]
fn the_stored_time_is_written_as_chrono_writes_it() {
    // GIVEN every day of years around and inside 0000-9999 (their edges, leap years)
    // at times with every kind of fraction (none, under a millisecond, whole
    // milliseconds, a leap second's); WHEN formatted for the tables; THEN the text is
    // chrono's RFC 3339 with milliseconds and `Z`, the writer kept in this test
    let chrono_writes = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let nanos = [
        0,
        1,
        999_999,
        1_000_000,
        123_456_789,
        999_999_999,
        1_000_000_000,
        1_999_999_999,
    ];
    for year in [-1, 0, 1, 999, 1000, 1970, 2000, 2024, 2026, 9999, 10_000] {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        for (k, day) in first.iter_days().take_while(|d| d.year() == year).enumerate() {
            let (h, m) = ((k * 7 % 24) as u32, (k * 13 % 60) as u32);
            for s in [0, 9, 10, 59] {
                for n in nanos {
                    // A fraction of a second or more is a leap second: only at :59.
                    let Some(t) = day.and_hms_nano_opt(h, m, s, n) else {
                        continue;
                    };
                    let t = t.and_utc();
                    assert_eq!(format_time(t), chrono_writes(t), "{t:?}");
                }
            }
        }
    }
}

/// `url_pairs` as it was before its first entities were collected in place: each pair
/// pushed in turn while fewer than `MAX_URLS` are kept, if its URL is new and not empty.
fn url_pairs_one_by_one(entities: Vec<Entities>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in entities {
        for u in e.urls {
            if let (Some(url), Some(expanded)) = (u.url, u.expanded_url) {
                if !url.is_empty() && out.len() < MAX_URLS && !out.iter().any(|(seen, _)| *seen == url) {
                    out.push((url, expanded));
                }
            }
        }
    }
    out
}

#[test]
fn a_long_first_list_of_urls_is_walked_only_to_the_kept_ones_and_its_room_let_go() {
    // GIVEN a first entities list of 50,000 distinct URLs and 50,000 empty entities (what
    // a hostile record of a few MB can hold), each case timed by the walk it makes
    for (distinct, empty) in [(50_000, 0), (0, 50_000), (30, 50_000)] {
        let urls = (0..distinct)
            .map(|n| UrlEntity {
                url: Some(format!("https://t.co/{n}")),
                expanded_url: Some(format!("https://e.example/{n}")),
            })
            .chain((0..empty).map(|_| UrlEntity::default()))
            .collect();
        // WHEN paired
        let pairs = url_pairs([Entities { urls }]);
        // THEN the pairs are the first `MAX_URLS` URLs', as a push of each would keep
        let want: Vec<(String, String)> = (0..distinct.min(MAX_URLS))
            .map(|n| (format!("https://t.co/{n}"), format!("https://e.example/{n}")))
            .collect();
        assert_eq!(pairs, want, "{distinct} distinct, {empty} empty");
        // AND the list does not hold the record's room for 50,000 pairs
        assert!(
            pairs.capacity() <= 4 * MAX_URLS,
            "{distinct} distinct, {empty} empty: room for {}",
            pairs.capacity()
        );
    }
}

#[test]
fn the_url_pairs_are_those_pushed_one_by_one() {
    // GIVEN 20,000 lists of up to four entities of up to 30 URL entities each (URLs
    // missing, empty, repeated within and across entities, more than `MAX_URLS`
    // distinct ones; expanded URLs missing or not), drawn from a fixed seed; WHEN
    // paired; THEN the pairs are those of pushing each in turn
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for _ in 0..20_000 {
        let spread = 1 + next(40);
        let shape: Vec<Vec<(u64, u64)>> = (0..next(5))
            .map(|_| (0..next(31)).map(|_| (next(spread + 2), next(4))).collect())
            .collect();
        let build = || -> Vec<Entities> {
            shape
                .iter()
                .map(|urls| Entities {
                    urls: urls
                        .iter()
                        .map(|&(url, expanded)| UrlEntity {
                            url: match url {
                                0 => None,
                                1 => Some(String::new()),
                                n => Some(format!("https://t.co/{n}")),
                            },
                            expanded_url: (expanded > 0)
                                .then(|| format!("https://e.example/{url}/{expanded}")),
                        })
                        .collect(),
                })
                .collect()
        };
        assert_eq!(url_pairs(build()), url_pairs_one_by_one(build()), "{shape:?}");
    }
}
