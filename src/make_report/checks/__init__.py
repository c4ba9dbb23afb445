"""The checks: sum rules within a report, and rules across two years. Pure: values in, findings out."""
