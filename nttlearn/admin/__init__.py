"""Site administration: users, organisations, plugins."""
