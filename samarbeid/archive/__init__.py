"""Archive extracts (arkivuttrekk) in Noark 5 v5.0 for the municipality's archive (arkivlova).

`noark5` turns a tree of plain dataclasses into the files of an extract (`arkivstruktur.xml`,
`endringslogg.xml`, `arkivuttrekk.xml` in ADDML 8.3, the schemas and `dokumenter/`); `checks`
runs the schema validation and the Arkade 5 checks on such a set of files. What goes into
the tree is the feature apps' business (`politirad.archive`, `avtaler.archive`).
"""
