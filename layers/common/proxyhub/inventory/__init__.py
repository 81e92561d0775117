"""The dedicated-location stock ledger and inventory reconciliation with proxy warehouses."""
