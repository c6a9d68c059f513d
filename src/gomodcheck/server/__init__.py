"""A checksum database server: a private, append-only log the go command can use as GOSUMDB.

``logstore`` keeps the log in SQLite; ``upstream`` fetches and hashes module versions to record;
``app`` speaks the checksum-database protocol over ASGI; ``runner`` runs it under uvicorn.
"""

from gomodcheck.server.config import ServerConfig, load_server_config

__all__ = ["ServerConfig", "load_server_config"]
