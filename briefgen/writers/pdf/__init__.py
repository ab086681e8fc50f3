"""The PDF writer (reportlab): `writer.write` is the entry; see its docstring for the stages."""
