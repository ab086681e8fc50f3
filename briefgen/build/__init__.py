"""The pipeline from workspace to files, and its drivers: --all workers and --watch."""
