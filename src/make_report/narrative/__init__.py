"""Narrative text: the names a clerk may cite, the sandboxed Jinja that fills them in, the report's parts."""
