"""LTI 1.3 Advantage tool for nttlearn."""
