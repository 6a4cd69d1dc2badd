"""nttlearn's evaluation plugin: monitoring reports, course surveys and the NTT+ impact report.

It reads what other plugins did only from the core's event log and activity completions
(see ``docs/evaluation.md`` for the events it understands) and never imports another plugin.
"""

PLUGIN = "evaluation"
