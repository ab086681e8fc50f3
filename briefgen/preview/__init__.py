"""`briefgen serve`: a live preview of briefs in the browser, kept up to date on every save."""
