"""Renderers: findings in, files out (Graphviz maps, the Excel register, the HTML report)."""
