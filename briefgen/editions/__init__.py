"""Editions: what each circulated brief printed (a manifest per edition in the workspace), and what
changed since one of them, in the brief's own terms."""
