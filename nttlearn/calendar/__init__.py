"""The learner's calendar: a month page and a personal iCalendar feed of every dated to-do item."""
