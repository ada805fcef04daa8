"""What every domain relies on and none owns: errors, the database and its guard, rate limits, security
headers, serving, privacy of the logs, JSON encoding, fingerprinted and compressed static files, the
knowledge access."""
