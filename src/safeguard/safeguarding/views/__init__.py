"""Pages of the safeguarding area: thin, every one with an access policy."""
