"""Readers, one per source: each returns a measures frame or raises IngestError (all problems)."""
