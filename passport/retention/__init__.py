"""How long each kind of data is kept, and removing what is past it (ADR 0009)."""
