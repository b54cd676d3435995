"""The rule engine: the rule catalogue, safe expressions, `when:` conditions and fix specs."""
