"""The document model every writer reads, and the Markdown parser that makes it."""
