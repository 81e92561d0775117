"""Domain types: what orders, tasks, configuration and stock are, whatever stores or moves them.

The ground floor of the package: these modules import nothing of proxyhub but `errors` and `clock`.
"""
