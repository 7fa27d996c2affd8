use super::*;

fn values() -> Values {
    let mut fields = BTreeMap::new();
    fields.insert("organisation", "Kunta <script>".to_owned());
    fields.insert("inviter", "Aino".to_owned());
    fields.insert("expires", "13.12.2026 klo 10.00 UTC".to_owned());
    fields.insert("title", "Measuring influence & reach".to_owned());
    fields.insert("when", "31.3.2027 klo 10.00 EEST".to_owned());
    Values {
        name: Some("Maija".into()),
        fields,
        link: "https://app.example/x?token=abc&y=1".into(),
        why: Why::Member,
    }
}

#[test]
fn every_kind_is_written_in_every_language_with_its_link() {
    let templates = Templates::load().unwrap();
    for locale in Locale::ALL {
        for kind in every_kind() {
            let mail = templates.render(locale, kind, &values()).unwrap();
            assert!(!mail.subject.is_empty(), "{kind:?} {locale:?}");
            assert!(!mail.subject.contains('\n'), "{kind:?} {locale:?}");
            assert!(mail.text.contains("https://app.example/x?token=abc&y=1"));
            assert!(
                mail.html
                    .contains("https://app.example/x?token=abc&amp;y=1")
            );
            assert!(
                mail.text.contains("Maija"),
                "{kind:?} {locale:?}: {}",
                mail.text
            );
        }
    }
}

#[test]
fn the_languages_differ_and_html_is_escaped() {
    let templates = Templates::load().unwrap();
    let fi = templates
        .render(Locale::Fi, MailKind::Invitation, &values())
        .unwrap();
    let sv = templates
        .render(Locale::Sv, MailKind::Invitation, &values())
        .unwrap();
    let en = templates
        .render(Locale::En, MailKind::Invitation, &values())
        .unwrap();
    assert!(fi.text.contains("Hyväksy kutsu"), "{}", fi.text);
    assert!(sv.text.contains("Godkänn inbjudan"), "{}", sv.text);
    assert!(en.text.contains("Accept the invitation"), "{}", en.text);
    assert!(en.text.contains("Kunta <script>"));
    assert!(!en.html.contains("<script>"));
    assert!(en.html.contains("Kunta &lt;script&gt;"));
    let moved = templates
        .render(
            Locale::Fi,
            MailKind::Notification(Kind::ClinicMoved),
            &values(),
        )
        .unwrap();
    assert_eq!(moved.subject, "Uusi aika: Measuring influence & reach");
    assert!(moved.text.contains("alkaa nyt 31.3.2027 klo 10.00 EEST"));
}
