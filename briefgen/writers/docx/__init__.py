"""The DOCX writer (python-docx): `writer.write` is the entry; see its docstring for the modules."""
