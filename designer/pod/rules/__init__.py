"""Validation in layers: schema, apiserver, patterns, practices (one module each)."""
