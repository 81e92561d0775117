"""Proxy warehouses as the domain sees them: the port every vendor adapter implements."""
