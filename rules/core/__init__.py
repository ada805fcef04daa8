"""What every domain of the rule module shares: the data model, the condition language, the knowledge
loader with its schema checks, the HPO subset, input parsing and the two errors."""
