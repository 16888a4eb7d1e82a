"""Backups and restores of the whole database, encrypted with the backup key (ADR 0009)."""
