"""The one door for reads, atomic writes, and the two settings/data file formats (YAML, TOML)."""
