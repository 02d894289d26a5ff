"""Ofsted Annex A: the list specification, the reader and validation, and synthetic data."""
