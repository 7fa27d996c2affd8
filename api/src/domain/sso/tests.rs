use super::*;

fn domains(raw: &[&str]) -> Result<Vec<String>, AppError> {
    allowed_domains(
        &raw.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        "allowedDomains",
    )
}

#[test]
fn domains_are_normalised_and_checked() {
    assert_eq!(
        domains(&[" Kuusisto.FI ", "@kuusisto.fi", "edu.kuusisto.fi"]).unwrap(),
        ["kuusisto.fi", "edu.kuusisto.fi"]
    );
    for bad in [
        &[][..],
        &[""],
        &["localhost"],
        &["exa mple.fi"],
        &["-bad.fi"],
        &["a..fi"],
    ] {
        assert!(domains(bad).is_err(), "{bad:?}");
    }
    let many: Vec<String> = (0..51).map(|i| format!("d{i}.fi")).collect();
    assert!(allowed_domains(&many, "allowedDomains").is_err());
}

#[test]
fn only_the_exact_domain_is_allowed() {
    let allowed = vec!["kuusisto.fi".to_owned()];
    assert!(domain_allowed("aino@kuusisto.fi", &allowed));
    assert!(domain_allowed("aino@KUUSISTO.fi", &allowed));
    assert!(!domain_allowed("aino@evil-kuusisto.fi", &allowed));
    assert!(!domain_allowed("aino@sub.kuusisto.fi", &allowed));
    assert!(!domain_allowed("kuusisto.fi", &allowed));
}

#[test]
fn a_sign_in_returns_only_to_the_frontend() {
    let app = "https://app.example.fi/voimavara";
    assert!(redirect_allowed(
        "https://app.example.fi/voimavara/sso?x=1",
        app
    ));
    assert!(redirect_allowed("https://app.example.fi/voimavara", app));
    for bad in [
        "https://evil.example/voimavara/sso",
        "http://app.example.fi/voimavara/sso",
        "https://app.example.fi:8443/voimavara/sso",
        "https://app.example.fi/voimavaraX",
        "https://app.example.fi/other",
        "https://user@app.example.fi/voimavara/sso",
        "//evil.example/x",
        "javascript:alert(1)",
    ] {
        assert!(!redirect_allowed(bad, app), "{bad}");
    }
    assert!(redirect_allowed(
        "https://app.example.fi/anything",
        "https://app.example.fi"
    ));
}

#[test]
fn issuers_are_https_or_on_this_machine() {
    assert!(issuer_allowed("https://login.microsoftonline.com/x/v2.0"));
    assert!(issuer_allowed("http://127.0.0.1:4000"));
    assert!(!issuer_allowed("http://idp.example.fi"));
    assert!(!issuer_allowed("ftp://idp.example.fi"));
    assert!(!issuer_allowed("not a url"));
}
