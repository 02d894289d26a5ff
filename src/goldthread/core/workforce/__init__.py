"""The council's own monthly list of social work posts and workers.

DfE's children's social work workforce census counts each council's social workers once a year (at 30
September). Councils recovering from 'inadequate' track the same figures every month from their own list of
posts. goldthread reads that list and gives the census's measures (agency rate, vacancy rate, turnover,
sickness absence, average caseload), overall and by team, beside the published figures for England.

The template (``template.write_template`` writes it as .xlsx or .csv)
-----------------------------------------------------------------------
One row per social work post at the end of the month (a post shared by two part-time workers is two rows, one
each). Keep a row for each worker who left in the last 12 months, with their leaving date, so that turnover can
be counted. Headers, in any order (case and spacing do not matter):

==========================  ========================================================================
Post ID                     the council's identifier for the post (required; text, kept as written)
Team                        the team the post belongs to (required)
Filled or vacant            Filled or Vacant (required)
Permanent or agency         for a filled post: Permanent (directly employed by the council) or Agency
FTE                         full-time equivalent of the post or worker: more than 0, at most 1
Start date                  the worker's first day in the post (dd/mm/yyyy); blank for a vacancy
Leaving date                the worker's last day (dd/mm/yyyy); blank while they are in post
Absence days in the month   working days lost to sickness absence in the month (0 if none)
Caseload                    children allocated to the worker at the end of the month; blank for a worker
                            who does not hold cases (a manager, say), 0 for a case holder with none
==========================  ========================================================================

No names: the list needs none, and goldthread does not store them. ``reader.read_workforce`` reads the list
(CSV, .xlsx, .xls or .ods) and ``reader.validate`` checks it against the month it describes; the measures are in
goldthread.core.measures.workforce. Plain Python: nothing here imports Django.
"""
