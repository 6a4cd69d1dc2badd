"""Assignments: exercises learners hand in and trainers grade."""
