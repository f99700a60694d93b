"""Reading and writing files without losing data: JSONL (atomic, fsynced, located errors) and user row files."""
