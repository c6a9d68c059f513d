"""The module graph: go.mod files loaded with replace, exclude and pruning, and MVS over them."""
