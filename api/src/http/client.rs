//! Where a request comes from, for rate limits: the TCP peer, or, when the
//! peer is a trusted proxy (`VOIMAVARA_TRUSTED_PROXIES`), the right-most
//! address in `X-Forwarded-For` that is not a trusted proxy. IPv6 addresses
//! count by their /64, the block one subscriber is usually given.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::{IpNet, Ipv6Net};

/// The client address of a request, as rate limits count it.
pub fn address(req: &HttpRequest, trusted: &[IpNet]) -> String {
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .collect();
    resolve(req.peer_addr().map(|a| a.ip()), &forwarded, trusted)
}

/// The rule behind [`address`]: `forwarded` holds the `X-Forwarded-For`
/// header values in the order received.
pub fn resolve(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpNet]) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    if is_trusted(&peer) {
        let hops = forwarded.iter().flat_map(|value| value.split(',')).rev();
        for hop in hops {
            // A hop that is not an address means a misconfigured proxy: the
            // last trusted hop is the best that is known.
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = ip;
            if !is_trusted(&ip) {
                break;
            }
        }
    }
    bucket(client)
}

/// An IPv4 address as it is; an IPv6 address as its /64 (an IPv4-mapped one
/// as the IPv4 address).
fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => Ipv6Net::new(v6, 64)
                .map(|net| net.trunc().to_string())
                .unwrap_or_else(|_| v6.to_string()),
        },
    }
}

/// Parses one entry of `VOIMAVARA_TRUSTED_PROXIES`: a CIDR block, or a single
/// address.
pub fn parse_trusted(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an address or a CIDR block such as 10.0.0.0/8"))
}

#[cfg(test)]
mod tests;
