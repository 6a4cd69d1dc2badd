"""Authoring in the browser: trainers create and edit their courses."""
