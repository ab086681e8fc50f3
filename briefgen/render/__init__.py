"""Templates: the confined template set, the sandboxed Jinja environment, Markdown escaping."""
