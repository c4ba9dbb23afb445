"""Application verbs above the readers and writers: batch runs, summaries, where outputs go."""
