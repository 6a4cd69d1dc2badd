"""xAPI learning records: what learners do, sent as xAPI 1.0.3 statements to a Learning Record
Store by background jobs."""
