"""Vendor adapters: the only modules that know a vendor's wire format."""
