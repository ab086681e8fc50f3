"""briefgen's benchmark harness: `uv run --group bench python -m benchmarks` prints the tables and writes
docs/performance.md. Modules: synth (synthetic workspaces), timing (medians, cold processes), stages (briefgen
in process), peers (pandoc, Typst, WeasyPrint, LibreOffice), scale (sizes in subprocesses), report (tables)."""
