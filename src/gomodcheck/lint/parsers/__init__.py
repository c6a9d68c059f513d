"""One parser per kind of configuration file; each returns a ParsedFile and never prints."""
