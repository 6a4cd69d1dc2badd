"""nttlearn's peer-review plugin: the ``proposal`` activity, in which teams of officials from
several countries write a twinned-town network proposal together and improve it through
structured, rubric-based peer review before submitting it to a funder."""
