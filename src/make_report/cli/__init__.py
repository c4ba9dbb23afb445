"""The command line: a thin shell over make_report.api."""
