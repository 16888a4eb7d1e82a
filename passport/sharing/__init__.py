"""Encrypted sharing links (SMART Health Links) and the FHIR documents they share."""
