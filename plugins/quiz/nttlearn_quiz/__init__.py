"""nttlearn's quiz plugin: a question bank per course, quizzes as activities, grading, item
analysis, and GIFT and Aiken import and export, the way trainers coming from Moodle know them."""
