//! The `Host` check against DNS rebinding: a page on any website can point its own name
//! at 127.0.0.1, but its requests then carry that name in `Host`, which is not ours.

use crate::error::StartError;
use std::net::{IpAddr, SocketAddr};

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

/// The `Host` values the proxy answers to.
#[derive(Debug, Clone)]
pub struct HostAllowList {
    listen: SocketAddr,
    names: Vec<AllowedHost>,
}

/// One `--allow-host` value: a name, with or without a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    name: String,
    port: Option<u16>,
}

impl AllowedHost {
    /// Parses `NAME[:PORT]` (a DNS name, an IPv4 address or a bracketed IPv6 address).
    /// Without a port, the name is allowed on any port.
    pub fn parse(text: &str) -> Result<Self, StartError> {
        let bad = || format!("--allow-host {text:?} is not NAME or NAME:PORT");
        let (name, port) = split_host(text).ok_or_else(bad)?;
        let valid_name = !name.is_empty()
            && (name.starts_with('[')
                || name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
        if !valid_name {
            return Err(bad().into());
        }
        Ok(Self {
            name: name.to_ascii_lowercase(),
            port,
        })
    }
}

/// Splits `host[:port]` (IPv6 in brackets); `None` if the port is not a number.
fn split_host(text: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if text.starts_with('[') {
        let end = text.find(']')?;
        let (name, rest) = text.split_at(end + 1);
        match rest.strip_prefix(':') {
            Some(port) => (name, Some(port)),
            None if rest.is_empty() => (name, None),
            None => return None,
        }
    } else {
        match text.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (text, None),
        }
    };
    let port = match port {
        Some(port) => Some(port.parse().ok()?),
        None => None,
    };
    Some((name, port))
}

impl HostAllowList {
    /// The listening address's own names, plus `names`. On loopback these are
    /// `127.0.0.1:PORT`, `localhost:PORT` and `[::1]:PORT`; on another address, that
    /// address with its port; on an unspecified address (`0.0.0.0`, `[::]`), any IP
    /// address with the port (an address literal cannot be rebound; a name can).
    pub fn new(listen: SocketAddr, names: Vec<AllowedHost>) -> Self {
        Self { listen, names }
    }

    /// The same names for a proxy listening on `listen` (known once it is bound).
    pub fn with_listen(self, listen: SocketAddr) -> Self {
        Self { listen, ..self }
    }

    /// Whether `host` (a `Host` header value) names this proxy.
    pub fn allows(&self, host: &str) -> bool {
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        let name = name.to_ascii_lowercase();
        let listen_port = self.listen.port();
        if port == Some(listen_port) || (port.is_none() && listen_port == 80) {
            let ip = name
                .strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .unwrap_or(&name)
                .parse::<IpAddr>()
                .ok();
            let listen_ip = self.listen.ip();
            let own = match ip {
                Some(ip) => {
                    ip == listen_ip
                        || listen_ip.is_unspecified()
                        || (listen_ip.is_loopback() && ip.is_loopback())
                }
                None => listen_ip.is_loopback() && name == "localhost",
            };
            if own {
                return true;
            }
        }
        self.names
            .iter()
            .any(|allowed| allowed.name == name && (allowed.port.is_none() || allowed.port == port))
    }

    /// Refuses a request whose `Host` does not name this proxy: 421, nothing forwarded.
    /// (A missing or repeated `Host` is refused earlier, as malformed framing.)
    pub fn refusal(&self, request: &Request) -> Option<Response> {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok());
        match host {
            Some(host) if self.allows(host) => None,
            // HTTP/1.0 without Host: the request line has only a path, nothing to rebind.
            None if request.version() < axum::http::Version::HTTP_11 => None,
            _ => Some(
                Problem::new(
                    StatusCode::MISDIRECTED_REQUEST,
                    "This proxy does not answer to that Host. Its operator can allow a \
                     name with --allow-host.",
                )
                .into_response(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(listen: &str, names: &[&str]) -> HostAllowList {
        HostAllowList::new(
            listen.parse().expect("address"),
            names
                .iter()
                .map(|n| AllowedHost::parse(n).expect("host"))
                .collect(),
        )
    }

    #[test]
    fn loopback_answers_to_its_own_names_only() {
        let hosts = list("127.0.0.1:8080", &[]);
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "[::1]:8080",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "127.0.0.1:9090",
            "localhost",
            "evil.example:8080",
            "127.0.0.1.nip.io:8080",
            "10.0.0.1:8080",
            "",
            "[::1",
            "localhost:80x",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }

    #[test]
    fn allowed_names_with_and_without_a_port() {
        let hosts = list(
            "10.1.2.3:8080",
            &["intranet.example.org", "dash.example.org:8443"],
        );
        assert!(hosts.allows("10.1.2.3:8080"));
        assert!(!hosts.allows("localhost:8080"));
        assert!(hosts.allows("intranet.example.org"));
        assert!(hosts.allows("Intranet.Example.Org:443"));
        assert!(hosts.allows("dash.example.org:8443"));
        assert!(!hosts.allows("dash.example.org"));
        assert!(!hosts.allows("example.org"));
    }

    #[test]
    fn unspecified_address_accepts_any_address_literal_but_no_name() {
        let hosts = list("0.0.0.0:8080", &[]);
        assert!(hosts.allows("192.168.1.20:8080"));
        assert!(hosts.allows("[fe80::1]:8080"));
        assert!(!hosts.allows("rebound.example:8080"));
        assert!(!hosts.allows("192.168.1.20:9000"));
    }

    #[test]
    fn bad_allow_host_values_are_refused() {
        for bad in ["", "a b", "host:port", "http://x", "x/y"] {
            assert!(AllowedHost::parse(bad).is_err(), "{bad}");
        }
    }
}
