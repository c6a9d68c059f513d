"""The module graph: go.mod files loaded with replace, exclude and graph pruning, and MVS over them."""
