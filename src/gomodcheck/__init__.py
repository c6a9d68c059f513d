"""gomodcheck guards Go module integrity: go.mod, go.sum, vendor/ and the checksum database."""

__version__ = "0.1.0"
