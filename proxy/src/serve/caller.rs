//! Who is calling: behind an authenticating front proxy (oauth2-proxy, a forward-auth
//! setup in Caddy or nginx), the user it names in a header; otherwise the client's
//! address, taken from `X-Forwarded-For` only when the connection comes from a trusted
//! front proxy. The rate limit counts per caller.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderName, StatusCode};
use ipnet::IpNet;

use crate::connections::client_key;
use crate::problem::Problem;

/// Whom to believe about the caller.
#[derive(Debug, Clone, Default)]
pub struct Callers {
    /// Front proxies whose `X-Forwarded-For` (and user header) are believed.
    pub trusted: Vec<IpNet>,
    /// A header every request must carry, set by a trusted front proxy (for example
    /// `X-Auth-Request-Email`).
    pub user_header: Option<HeaderName>,
}

/// The identity a request is counted under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Caller {
    /// A user named by the trusted front proxy.
    User(String),
    /// A client address (an IPv6 client's /64).
    Address(IpAddr),
}

impl std::fmt::Display for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::User(user) => f.write_str(user),
            Caller::Address(address) => address.fmt(f),
        }
    }
}

impl Callers {
    /// Identifies the caller of `request`, or refuses it: 401 when a user header is
    /// required and the request lacks it or did not come through a trusted proxy; 400
    /// when it names more than one user (two header lines, or a comma-joined value, as
    /// from a front proxy that appends to the client's header instead of replacing it).
    pub fn identify(&self, request: &Request) -> Result<Caller, Problem> {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let peer_trusted = self.is_trusted(peer);
        if let Some(name) = &self.user_header {
            let mut lines = request.headers().get_all(name).iter();
            let first = lines.next();
            let several = lines.next().is_some()
                || first.is_some_and(|value| value.as_bytes().contains(&b','));
            if peer_trusted && several {
                return Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "The request names more than one user in {name}. The front proxy \
                         must set that header, replacing any the client sent."
                    ),
                ));
            }
            let user = first
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
                .filter(|user| !user.is_empty());
            return match (peer_trusted, user) {
                (true, Some(user)) => Ok(Caller::User(user.to_owned())),
                _ => Err(Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "Sign in first: this proxy answers only requests that come through its \
                     authenticating front proxy.",
                )),
            };
        }
        let client = if peer_trusted {
            self.forwarded_client(request).unwrap_or(peer)
        } else {
            peer
        };
        Ok(Caller::Address(client_key(client)))
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        };
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    /// The right-most `X-Forwarded-For` address that is not a trusted proxy (the one
    /// the nearest trusted proxy saw connect); earlier entries are the client's to forge.
    fn forwarded_client(&self, request: &Request) -> Option<IpAddr> {
        let mut last_trusted = None;
        let hops: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|hop| !hop.is_empty())
            .collect();
        for hop in hops.iter().rev() {
            let ip: IpAddr = hop.parse().ok()?;
            if !self.is_trusted(ip) {
                return Some(ip);
            }
            last_trusted = Some(ip);
        }
        last_trusted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri("/");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder.body(axum::body::Body::empty()).expect("request");
        let peer: SocketAddr = peer.parse().expect("peer");
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    }

    fn callers(trusted: &[&str], user_header: Option<&str>) -> Callers {
        Callers {
            trusted: trusted.iter().map(|n| n.parse().expect("cidr")).collect(),
            user_header: user_header.map(|h| HeaderName::from_bytes(h.as_bytes()).expect("name")),
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let c = callers(&["10.0.0.0/8"], None);
        let addr = |s: &str| Caller::Address(s.parse().expect("ip"));
        assert_eq!(
            c.identify(&request(
                "203.0.113.9:5000",
                &[("x-forwarded-for", "1.2.3.4")]
            ))
            .ok(),
            Some(addr("203.0.113.9"))
        );
        assert_eq!(
            c.identify(&request("10.0.0.2:5000", &[("x-forwarded-for", "1.2.3.4")]))
                .ok(),
            Some(addr("1.2.3.4"))
        );
        // A forged first entry does not help: the right-most untrusted hop counts.
        assert_eq!(
            c.identify(&request(
                "10.0.0.2:5000",
                &[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.3")]
            ))
            .ok(),
            Some(addr("198.51.100.7"))
        );
        assert_eq!(
            c.identify(&request("10.0.0.2:5000", &[])).ok(),
            Some(addr("10.0.0.2"))
        );
        // IPv6 clients count per /64.
        assert_eq!(
            c.identify(&request(
                "10.0.0.2:5000",
                &[("x-forwarded-for", "2001:db8:1:2:aaaa::1")]
            ))
            .ok(),
            Some(addr("2001:db8:1:2::"))
        );
    }

    #[test]
    fn the_user_header_is_required_and_only_believed_from_a_trusted_proxy() {
        let c = callers(&["127.0.0.1/32"], Some("x-auth-request-email"));
        assert_eq!(
            c.identify(&request(
                "127.0.0.1:5000",
                &[("x-auth-request-email", "ada@example.org")]
            ))
            .ok(),
            Some(Caller::User("ada@example.org".into()))
        );
        let status = |r: Request| c.identify(&r).err().map(|p| p.status.as_u16());
        assert_eq!(status(request("127.0.0.1:5000", &[])), Some(401));
        assert_eq!(
            status(request("127.0.0.1:5000", &[("x-auth-request-email", " ")])),
            Some(401)
        );
        assert_eq!(
            status(request(
                "192.0.2.1:5000",
                &[("x-auth-request-email", "ada@example.org")]
            )),
            Some(401)
        );
        // More than one user: neither is believed.
        for two in [
            &[
                ("x-auth-request-email", "mallory@example.org"),
                ("x-auth-request-email", "frank@example.org"),
            ][..],
            &[(
                "x-auth-request-email",
                "mallory@example.org, frank@example.org",
            )][..],
            &[
                ("x-auth-request-email", "frank@example.org"),
                ("x-auth-request-email", ""),
            ][..],
        ] {
            assert_eq!(status(request("127.0.0.1:5000", two)), Some(400), "{two:?}");
        }
        // From an untrusted address, the header is not read at all.
        assert_eq!(
            status(request(
                "192.0.2.1:5000",
                &[("x-auth-request-email", "a@x, b@y")]
            )),
            Some(401)
        );
    }
}
