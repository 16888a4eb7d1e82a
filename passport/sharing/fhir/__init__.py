"""A child's record as a FHIR R4 International Patient Summary: `bundle` builds the document,
`resources` each resource in it, `narrative` the human-readable text of each."""

from passport.sharing.fhir.bundle import ips_bundle

__all__ = ["ips_bundle"]
