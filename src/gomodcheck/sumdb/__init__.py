"""The checksum-database client: configuration, remote access, verified state, and lookups."""

from gomodcheck.sumdb.client import (
    MAX_LOOKUP,
    Client,
    InvalidModuleError,
    NotInDatabaseError,
    OfflineError,
    Remote,
    StreamingRemote,
)
from gomodcheck.sumdb.config import (
    KNOWN_GOSUMDB,
    SUM_GOLANG_ORG_KEY,
    SumdbConfig,
    nosumdb_pattern,
    parse_gosumdb,
    uses_sumdb,
)
from gomodcheck.sumdb.remote import HttpRemote
from gomodcheck.sumdb.state import MemoryState, SqliteState, State, default_state_path

__all__ = [
    "KNOWN_GOSUMDB",
    "MAX_LOOKUP",
    "SUM_GOLANG_ORG_KEY",
    "Client",
    "HttpRemote",
    "InvalidModuleError",
    "MemoryState",
    "NotInDatabaseError",
    "OfflineError",
    "Remote",
    "SqliteState",
    "State",
    "StreamingRemote",
    "SumdbConfig",
    "default_state_path",
    "nosumdb_pattern",
    "parse_gosumdb",
    "uses_sumdb",
]
