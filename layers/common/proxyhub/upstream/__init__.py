"""Upstream fulfilment platforms (OneWarehouse first) that push orders to us and take our callbacks."""
