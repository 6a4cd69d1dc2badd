"""Onboarding a programme: importing participants, inviting them, merging organisations."""
