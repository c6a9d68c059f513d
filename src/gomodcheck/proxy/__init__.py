"""The module proxy protocol: GOPROXY lists and a client for @v/list, .info, .mod, .zip, @latest."""

from gomodcheck.proxy.client import (
    MAX_GOMOD,
    MAX_INFO,
    MAX_LIST,
    MAX_ZIP,
    DirectUnavailableError,
    ProxyClient,
    ProxyOffError,
    RevInfo,
)
from gomodcheck.proxy.spec import (
    DIRECT,
    NOPROXY,
    OFF,
    ProxySpec,
    check_proxy_url,
    join_url,
    parse_proxy_list,
)

__all__ = [
    "DIRECT",
    "MAX_GOMOD",
    "MAX_INFO",
    "MAX_LIST",
    "MAX_ZIP",
    "NOPROXY",
    "OFF",
    "DirectUnavailableError",
    "ProxyClient",
    "ProxyOffError",
    "ProxySpec",
    "RevInfo",
    "check_proxy_url",
    "join_url",
    "parse_proxy_list",
]
