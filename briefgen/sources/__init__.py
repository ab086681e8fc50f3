"""Bringing a source in: fetch, text and metadata extraction, registration, quote finding."""
