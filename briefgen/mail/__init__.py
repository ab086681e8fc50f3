"""`briefgen email`: the cover note, the MIME message, drafts and SMTP delivery."""
