"""The dashboards' summary rows (``models.tally``): what each change adds to them
(``events``), keeping them in the change's own transaction (``upkeep``), and reading sums
over any range of days from them (``periods`` and ``read``)."""
