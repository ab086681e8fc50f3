"""The fact base: schema, loading and validation, and the proof of every value from its quotes."""
