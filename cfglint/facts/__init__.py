"""The facts stage: canonical training facts with provenance, built once per file."""
