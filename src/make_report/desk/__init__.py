"""The office's web desk (``make-report serve``): units upload workbooks, the office reviews.

Built on the same core as the command line: ``make_report.api`` checks and builds,
``app/summary.py`` rolls up. The web libraries (Starlette, uvicorn, SQLAlchemy, argon2)
are the optional ``desk`` extra and are imported only here, never by the rest of the tool.
"""
