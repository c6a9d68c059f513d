"""Verification of go.sum against the module cache, the proxy and the checksum database."""
