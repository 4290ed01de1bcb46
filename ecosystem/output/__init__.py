"""What the analyses become for people: tables and Markdown, file exports, figures. Imports: base, ``evidence``, ``geo``, ``graph``, ``analysis``.

``tables`` renders results as text, CSV, JSON and Markdown; ``export`` writes the graph as
GraphML, JSON and CSV; ``plots`` draws the figures (matplotlib, imported only there).
"""
