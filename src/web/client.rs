//! Who is asking: the address the login throttle and the public forms' limits
//! count. Behind a reverse proxy every request comes from the proxy, so the
//! address it names in `X-Forwarded-For` is used, but only when the request
//! came from a proxy the operator trusts (GONGKAI_TRUSTED_PROXIES); from
//! anyone else the header could be forged to dodge the limits.

use actix_web::HttpRequest;
use ipnet::IpNet;
use std::net::IpAddr;

/// The trusted proxies, as app data.
pub struct Proxies(pub Vec<IpNet>);

/// The client's address: the peer, or when the peer is a trusted proxy, the
/// nearest address in `X-Forwarded-For` that is not one (proxies append the
/// address they saw, so the right end is the one the nearest proxy vouches for).
pub fn address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .rev()
    {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // Garbage from further out: the last address trusted to have seen it.
            Err(_) => break,
        }
    }
    client
}

/// The request's client address as text (empty when unknown).
pub fn of(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return String::new();
    };
    let trusted = req
        .app_data::<actix_web::web::Data<Proxies>>()
        .map(|p| p.0.as_slice())
        .unwrap_or(&[]);
    let headers: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    address(peer, &headers, trusted).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let trusted = crate::config::parse_proxies("127.0.0.1, 10.0.0.0/8").unwrap();
        // Straight from the client: whatever it says about itself is ignored.
        assert_eq!(
            address(ip("203.0.113.9"), &["198.51.100.1"], &trusted),
            ip("203.0.113.9")
        );
        // Through the proxy: the address it saw.
        assert_eq!(
            address(ip("127.0.0.1"), &["203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // A client that forged a first entry: the proxy's own entry wins.
        assert_eq!(
            address(ip("127.0.0.1"), &["1.2.3.4, 203.0.113.9"], &trusted),
            ip("203.0.113.9")
        );
        // Two proxies in a row, the header split over two lines.
        assert_eq!(
            address(ip("10.0.0.2"), &["203.0.113.9", "10.0.0.1"], &trusted),
            ip("203.0.113.9")
        );
        // No header, or nonsense: the proxy itself.
        assert_eq!(address(ip("127.0.0.1"), &[], &trusted), ip("127.0.0.1"));
        assert_eq!(
            address(ip("127.0.0.1"), &["unknown"], &trusted),
            ip("127.0.0.1")
        );
        // Nothing trusted (the default): the peer.
        assert_eq!(
            address(ip("127.0.0.1"), &["203.0.113.9"], &[]),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn proxies_are_addresses_or_networks() {
        assert_eq!(crate::config::parse_proxies("").unwrap(), vec![]);
        assert_eq!(
            crate::config::parse_proxies("::1 192.168.0.0/16")
                .unwrap()
                .len(),
            2
        );
        assert!(crate::config::parse_proxies("proxy.local").is_err());
    }
}
