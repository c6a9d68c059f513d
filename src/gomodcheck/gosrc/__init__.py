"""Go source scanning without a Go toolchain: imports, build constraints and package directories."""
