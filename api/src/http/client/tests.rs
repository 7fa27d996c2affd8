//! Unit tests of the parent module.

use super::*;

fn nets(list: &[&str]) -> Vec<IpNet> {
    list.iter()
        .map(|n| parse_trusted(n).expect("valid"))
        .collect()
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().expect("an address"))
}

#[test]
fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
    let trusted = nets(&["10.0.0.0/8"]);
    assert_eq!(
        resolve(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
        "203.0.113.9"
    );
    assert_eq!(resolve(ip("203.0.113.9"), &[], &[]), "203.0.113.9");
    assert_eq!(resolve(None, &[], &trusted), "unknown");
}

#[test]
fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
    let trusted = nets(&["10.0.0.0/8", "192.168.1.1"]);
    // A client may put anything on the left; only the proxies' own hops count.
    assert_eq!(
        resolve(
            ip("10.0.0.2"),
            &["6.6.6.6, 198.51.100.7, 192.168.1.1"],
            &trusted
        ),
        "198.51.100.7"
    );
    // Several header lines read as one list.
    assert_eq!(
        resolve(ip("10.0.0.2"), &["6.6.6.6", "198.51.100.7"], &trusted),
        "198.51.100.7"
    );
    // Nothing forwarded: the proxy itself.
    assert_eq!(resolve(ip("10.0.0.2"), &[], &trusted), "10.0.0.2");
    // Garbage from a misconfigured proxy: the last trusted hop.
    assert_eq!(
        resolve(ip("10.0.0.2"), &["198.51.100.7, not-an-ip"], &trusted),
        "10.0.0.2"
    );
}

#[test]
fn ipv6_clients_count_by_their_64() {
    let a = resolve(ip("2001:db8:1:2:aaaa::1"), &[], &[]);
    let b = resolve(ip("2001:db8:1:2:bbbb::2"), &[], &[]);
    let c = resolve(ip("2001:db8:1:3::1"), &[], &[]);
    assert_eq!(a, "2001:db8:1:2::/64");
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(resolve(ip("::ffff:198.51.100.7"), &[], &[]), "198.51.100.7");
}

#[test]
fn trusted_proxies_are_blocks_or_single_addresses() {
    assert!(parse_trusted("10.0.0.0/8").is_ok());
    assert!(parse_trusted(" 2001:db8::/32 ").is_ok());
    assert!(parse_trusted("127.0.0.1").is_ok());
    assert!(parse_trusted("localhost").is_err());
    assert!(parse_trusted("10.0.0.0/33").is_err());
}
