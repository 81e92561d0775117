"""The HTTP API: a Powertools resolver, one router per resource, errors mapped once."""
