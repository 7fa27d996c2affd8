//! Who works at Kuusisto: forty-odd colleagues, what they know and want to learn.

/// Who works at Kuusisto, and what they say they know (skill key, level
/// 1–5) and want to learn. The first is the admin, the second the demo
/// mentor, the third the demo learner.
pub(super) struct Person {
    pub(super) name: &'static str,
    pub(super) skills: &'static [(&'static str, i32)],
    pub(super) goals: &'static [&'static str],
    /// Offers to mentor this many people.
    pub(super) mentors: Option<i32>,
}

const fn person(
    name: &'static str,
    skills: &'static [(&'static str, i32)],
    goals: &'static [&'static str],
    mentors: Option<i32>,
) -> Person {
    Person {
        name,
        skills,
        goals,
        mentors,
    }
}

pub(super) const PEOPLE: &[Person] = &[
    person(
        "Aino Virtanen",
        &[("linkedin", 4), ("branding", 4)],
        &[],
        None,
    ),
    person(
        "Matti Korhonen",
        &[
            ("measuring-influence", 5),
            ("linkedin", 5),
            ("short-posts", 4),
        ],
        &[],
        Some(3),
    ),
    person(
        "Liisa Mäkinen",
        &[("facebook", 2)],
        &["measuring-influence", "linkedin", "short-posts"],
        None,
    ),
    person(
        "Juha Nieminen",
        &[("tiktok", 5), ("visual-content", 4), ("instagram", 4)],
        &[],
        Some(2),
    ),
    person(
        "Sanna Mäkelä",
        &[("community-engagement", 5), ("facebook", 5)],
        &[],
        Some(2),
    ),
    person(
        "Mikko Hämäläinen",
        &[("social-customer-service", 4), ("x", 4)],
        &[],
        Some(1),
    ),
    person(
        "Laura Laine",
        &[("content-that-travels", 5), ("short-posts", 5)],
        &[],
        Some(2),
    ),
    person(
        "Timo Heikkinen",
        &[("safety-policy", 5), ("x", 3)],
        &[],
        Some(1),
    ),
    person(
        "Johanna Koskinen",
        &[("youtube", 4), ("visual-content", 5)],
        &[],
        Some(2),
    ),
    // Hidden experts: they know a lot and have not offered to mentor.
    person(
        "Pekka Järvinen",
        &[("measuring-influence", 5), ("youtube", 3)],
        &["tiktok"],
        None,
    ),
    person(
        "Anna Lehtonen",
        &[("tiktok", 5), ("instagram", 5)],
        &[],
        None,
    ),
    person(
        "Kari Lehtinen",
        &[("linkedin", 4), ("content-that-travels", 4)],
        &[],
        None,
    ),
    // Learners and everyone else.
    person(
        "Tiina Saarinen",
        &[("facebook", 3)],
        &["instagram", "visual-content"],
        None,
    ),
    person("Jari Salminen", &[("x", 2)], &["measuring-influence"], None),
    person(
        "Minna Heinonen",
        &[("whatsapp", 4)],
        &["community-engagement"],
        None,
    ),
    person(
        "Antti Niemi",
        &[("youtube", 2)],
        &["tiktok", "short-posts"],
        None,
    ),
    person("Satu Heikkilä", &[("instagram", 3)], &["branding"], None),
    person(
        "Jukka Kinnunen",
        &[("facebook", 2)],
        &["safety-policy"],
        None,
    ),
    person(
        "Päivi Salonen",
        &[("linkedin", 2)],
        &["linkedin", "content-that-travels"],
        None,
    ),
    person("Ville Turunen", &[("tiktok", 2)], &["visual-content"], None),
    person(
        "Hanna Salo",
        &[("short-posts", 3)],
        &["measuring-influence"],
        None,
    ),
    person(
        "Markku Laitinen",
        &[("facebook", 3), ("whatsapp", 3)],
        &["social-customer-service"],
        None,
    ),
    person("Elina Tuominen", &[("instagram", 2)], &["instagram"], None),
    person(
        "Sami Rantanen",
        &[("x", 3)],
        &["x", "community-engagement"],
        None,
    ),
    person("Katja Karjalainen", &[("branding", 3)], &["youtube"], None),
    person(
        "Tuomas Jokinen",
        &[("youtube", 3)],
        &["measuring-influence", "youtube"],
        None,
    ),
    person(
        "Riikka Mattila",
        &[("facebook", 4)],
        &["safety-policy"],
        None,
    ),
    person(
        "Petri Savolainen",
        &[("linkedin", 3)],
        &["short-posts"],
        None,
    ),
    person(
        "Heidi Lahtinen",
        &[("community-engagement", 2)],
        &["facebook"],
        None,
    ),
    person("Janne Ahonen", &[("whatsapp", 2)], &["tiktok"], None),
    person(
        "Marjo Hiltunen",
        &[("content-that-travels", 2)],
        &["content-that-travels"],
        None,
    ),
    person(
        "Teemu Miettinen",
        &[("visual-content", 2)],
        &["visual-content"],
        None,
    ),
    person("Outi Leinonen", &[("short-posts", 2)], &["linkedin"], None),
    person(
        "Lauri Hirvonen",
        &[("social-customer-service", 3)],
        &["social-customer-service"],
        None,
    ),
    person(
        "Kirsi Pitkänen",
        &[("facebook", 2)],
        &["measuring-influence"],
        None,
    ),
    person("Ari Räsänen", &[("x", 2)], &["branding"], None),
    person(
        "Noora Kallio",
        &[("instagram", 3), ("tiktok", 2)],
        &["tiktok"],
        None,
    ),
    person(
        "Olli Manninen",
        &[("linkedin", 2)],
        &["measuring-influence", "linkedin"],
        None,
    ),
    person(
        "Eveliina Karvonen",
        &[("youtube", 2)],
        &["short-posts"],
        None,
    ),
    person(
        "Henri Toivonen",
        &[("community-engagement", 3)],
        &["community-engagement"],
        None,
    ),
];

/// `etunimi.sukunimi@kuusisto.example`, without Finnish letters.
pub(super) fn email(name: &str) -> String {
    let ascii: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            ' ' => '.',
            other => other,
        })
        .collect();
    format!("{ascii}@kuusisto.example")
}
