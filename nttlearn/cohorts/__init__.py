"""Cohorts, pacing and deadlines: runs of a course, release rules, deadlines and extensions."""
