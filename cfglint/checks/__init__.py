"""Python checks named by rule files' ``check:`` key.

Most rules are conditions over facts; these are the ones that look at the
text itself (parse errors, YAML typing, schema validation).
"""
