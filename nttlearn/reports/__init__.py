"""Reports for trainers: learners' progress in a course, and the panel API plugins extend."""
