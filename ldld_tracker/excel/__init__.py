"""Excel in and out: official-format reports, import templates and the workbook import.

``safety`` guards both directions (formula injection out, hostile files in); ``layout``
holds the official report frame; ``reports`` and ``templates`` write workbooks;
``reader``, ``cleaning`` and ``importer`` bring officers' own workbooks in.
"""
