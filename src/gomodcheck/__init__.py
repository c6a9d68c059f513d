"""gomodcheck guards the integrity of Go modules: go.mod, go.sum, vendor/ and the checksum database."""

__version__ = "0.1.0"
