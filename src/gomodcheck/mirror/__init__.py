"""A verifying, offline-capable mirror of a checksum database, and air-gapped bundles of it."""
