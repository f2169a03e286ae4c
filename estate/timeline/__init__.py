"""The estate over time: compare two snapshots, read the plan, ask the owners.

* :mod:`estate.timeline.snapshot` loads one side of a comparison: folders and files, or
  a git revision of them (read with git into a temporary folder; no checkout touched);
* :mod:`estate.timeline.diff` compares two snapshots record by record and finding by
  finding, and :mod:`estate.timeline.diff_text` writes the comparison for people;
* :mod:`estate.timeline.baseline` is the earlier snapshot of ``estate analyse
  --baseline/--since``, whose comparison is the findings' ``progress`` and the report's
  "Progress since ..." page (:mod:`estate.render.progress`);
* the roadmap finding (:mod:`estate.analyses.roadmap`) is rendered by
  :mod:`estate.render.roadmap` as a register sheet and a report page;
* :mod:`estate.timeline.survey` writes a workbook per data owner and
  :mod:`estate.timeline.survey_import` merges the answers back into the inventories.

The target state of a future date is a transform of the records
(:mod:`estate.model.target_state`).  ``docs/timeline.md`` is the user's guide.
"""
