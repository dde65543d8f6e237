//! The address of the person behind a request.
//!
//! Behind a load balancer every connection comes from the balancer, so the
//! TCP peer says nothing about who is signing in. A proxy reports the
//! client in `Forwarded` (RFC 7239) or `X-Forwarded-For`, each hop appending
//! the address it received the request from; anything to the left of the
//! first hop we trust was written by the client and can be forged. So the
//! headers are read only when the peer is a configured trusted proxy, from
//! the right, and the first address that is not itself a trusted proxy is
//! the client. From any other peer the headers are ignored.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, header};
use ipnet::IpNet;

/// The client's address, as a request extension set by `middleware`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Sets `ClientAddr` on the request. Without connection info (the router
/// driven in-process) the peer is the unspecified address.
pub fn resolve<B>(mut request: Request<B>, trusted: &[IpNet]) -> Request<B> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let client = client_address(peer, request.headers(), trusted);
    request.extensions_mut().insert(ClientAddr(client));
    request
}

pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = forwarded_hops(headers);
    let mut client = peer;
    for hop in hops.iter().rev() {
        // An address hidden ("unknown", "_obfuscated") or garbled ends the
        // chain: the last hop that could be read and trusted said it.
        let Some(ip) = hop else {
            break;
        };
        client = *ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// The hops a request passed, client first: those of `Forwarded` when the
/// proxies send it, else those of `X-Forwarded-For`. `None` is a hop whose
/// address cannot be read.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all(header::FORWARDED)
        .iter()
        .flat_map(|value| value.to_str().unwrap_or_default().split(','))
        .filter_map(forwarded_for)
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| value.to_str().unwrap_or_default().split(','))
        .map(|hop| parse_node(hop.trim()))
        .collect()
}

/// The `for=` of one `Forwarded` element; elements without it are skipped.
fn forwarded_for(element: &str) -> Option<Option<IpAddr>> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_node(value.trim().trim_matches('"')))
    })
}

/// `192.0.2.43`, `192.0.2.43:47011`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok().map(canonical);
    }
    node.parse::<SocketAddr>().ok().map(|s| canonical(s.ip()))
}

/// An IPv4 client reaching a dual-stack listener appears as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("net")).collect()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("header value"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_its_headers_say() {
        let forged = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=1.2.3.4"),
        ]);
        assert_eq!(
            client_address(ip("198.51.100.7"), &forged, &nets(&["10.0.0.0/8"])),
            ip("198.51.100.7")
        );
        assert_eq!(client_address(ip("10.0.0.2"), &forged, &[]), ip("10.0.0.2"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.1.2.3")]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &chain, &trusted),
            ip("203.0.113.9"),
            "the forged left end is ignored"
        );
    }

    #[test]
    fn forwarded_is_read_before_x_forwarded_for_with_ports_and_brackets() {
        let trusted = nets(&["10.0.0.0/8"]);
        let both = headers(&[
            (
                "forwarded",
                "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.9:80",
            ),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &both, &trusted),
            ip("2001:db8::1")
        );
        let split = headers(&[
            ("forwarded", "for=192.0.2.43:47011"),
            ("forwarded", "for=10.0.0.5"),
        ]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &split, &trusted),
            ip("192.0.2.43")
        );
    }

    #[test]
    fn a_hidden_or_garbled_hop_leaves_the_last_readable_trusted_one() {
        let trusted = nets(&["10.0.0.0/8"]);
        let hidden = headers(&[("forwarded", "for=unknown, for=10.0.0.5")]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &hidden, &trusted),
            ip("10.0.0.5")
        );
        let none = HeaderMap::new();
        assert_eq!(
            client_address(ip("10.0.0.2"), &none, &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_ranges() {
        let chain = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            client_address(ip("::ffff:10.0.0.2"), &chain, &nets(&["10.0.0.0/8"])),
            ip("203.0.113.9")
        );
    }
}
