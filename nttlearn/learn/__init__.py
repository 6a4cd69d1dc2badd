"""Learning: the catalogue, enrolment, following a course, progress and completion."""
