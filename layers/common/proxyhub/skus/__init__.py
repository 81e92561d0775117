"""Pushing GSKU master data to proxy warehouses (SKU sync)."""
