"""The site the certificates' tests issue from (a module of its own: ``from conftest import``
finds whichever conftest.py was imported last when several test folders run together)."""

BASE_URL = "https://learn.example.org"
