"""Configuration of proxy systems, mappings, GSKU master data and customers."""
