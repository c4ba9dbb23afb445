"""The pure core: the format's shape, the typed report, findings and errors. No I/O."""
