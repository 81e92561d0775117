"""Inbound and outbound orders pushed by GWMS (or OneWarehouse) and flowed to proxy warehouses."""
