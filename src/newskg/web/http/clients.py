"""Who is asking: the client a request is counted against (by :mod:`newskg.web.http.throttle`).

The client is the connection's address; when that address is one of ``TRUSTED_PROXIES``,
the right-most ``X-Forwarded-For`` address that is not itself a trusted proxy (the one the
proxy saw), so a client cannot pick its own identity by sending the header itself.
"""

from __future__ import annotations

import ipaddress

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> tuple[Network, ...]:
    """The networks of a space- or comma-separated list of addresses and CIDR networks.

    >>> [str(n) for n in parse_networks("127.0.0.1, 10.0.0.0/8 ::1")]
    ['127.0.0.1/32', '10.0.0.0/8', '::1/128']
    """
    networks = []
    for item in value.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"trusted_proxies: {item!r} is not an IP address or network "
                f"(give addresses like 10.0.0.5 or networks like 10.0.0.0/8)"
            ) from exc
    return tuple(networks)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(remote: str | None, forwarded: str | None, proxies: tuple[Network, ...]) -> str:
    """Who is asking: ``remote`` (the connection's address) unless it is a trusted proxy;
    then the right-most ``X-Forwarded-For`` entry that is not a trusted proxy.

    >>> proxies = parse_networks("10.0.0.0/8")
    >>> client_address("10.0.0.2", "6.6.6.6, 192.0.2.7, 10.0.0.3", proxies)
    '192.0.2.7'
    >>> client_address("192.0.2.9", "6.6.6.6", proxies)  # not from a proxy: header ignored
    '192.0.2.9'
    >>> client_address("10.0.0.2", "not-an-address", proxies)  # garbage: the proxy is it
    '10.0.0.2'
    """
    remote = remote or "unknown"
    if not forwarded or not _trusted(remote, proxies):
        return remote
    for hop in reversed(forwarded.split(",")):
        hop = hop.strip()
        if _trusted(hop, proxies):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # the proxy would not write this: do not let it name a client
    return remote
